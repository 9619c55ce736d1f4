"""Availability: people's working hours and busy time, and times that suit a pair or a group.

`slots` is a pure library (no Django, no database), like the matching engine: it takes
working hours and busy intervals and returns suggested meeting times.
"""
