"""The audit log pages: HR admins search and export the append-only record of actions."""
