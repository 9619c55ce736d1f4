"""Django's database sessions, read with SQL compiled once (`core.db.fixed`).

Every signed-in request reads its session; Django's store compiles that one-row query anew
each time, which cost ten times the database's own work. This store (`SESSION_ENGINE`) is
Django's in all else: the same table, the same rows, the same expiry.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from mentorwise.core.db.fixed import FixedQuery

_CURRENT = FixedQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now), str, dt.datetime
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        # Django loads a session only when it has a key, a validated string.
        session = _CURRENT.one(str(self.session_key), timezone.now())
        if session is None:
            self._session_key = None
        return session
