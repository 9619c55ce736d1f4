"""Database backends of Mentorwise: Django's own, with what the project needs on top."""
