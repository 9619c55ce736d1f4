"""Mentorwise: formal workplace mentoring and sponsorship programs that prove they work."""

__version__ = "0.1.0"
