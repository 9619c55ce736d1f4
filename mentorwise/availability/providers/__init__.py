"""Calendar providers: read busy intervals, write one meeting's event.

Each provider is plain Python over HTTP (no Django models): `services` unseals the
credentials, calls the provider, and records the outcome. Every network call has a timeout.
"""
