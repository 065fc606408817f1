"""Django's database sessions, read on every request through SQL compiled once per process.

The session row is read by its key alone (config.compiled: the same SQL every time) and its expiry
checked here, where Django's query checks it in SQL (`expire_date > now`): the same answer without
building the query on every request. Writing, rotating and deleting sessions are Django's own."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.utils import timezone

from config import compiled


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        # One compiled read for every session: the key is its only parameter.
        rows = compiled.values(
            ("session",),
            lambda: self.model.objects.filter(session_key=key).values("session_data", "expire_date"),
            params=(key,),
        )
        if rows and rows[0]["expire_date"] > timezone.now():
            return self.model(session_key=key, **rows[0])
        self._session_key = None
        return None
