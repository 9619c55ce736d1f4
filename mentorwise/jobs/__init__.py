"""Scheduled jobs: the cron entry points that run the work of several apps in one go.

This app sits above every other in the layers, so a job names each step as an import
(reminders from notifications, retention from privacy) rather than calling commands by name.
"""
