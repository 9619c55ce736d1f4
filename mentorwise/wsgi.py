"""WSGI entry point for production servers (`gunicorn mentorwise.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

from mentorwise.core.warmheap import FrozenWhenWarm

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorwise.settings")
application = FrozenWhenWarm(get_wsgi_application())
