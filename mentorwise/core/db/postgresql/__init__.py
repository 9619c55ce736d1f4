"""Django's PostgreSQL backend with server-side parameters and prepared statements that take
lists and batches of any length (see `base`)."""
