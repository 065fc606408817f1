"""Signing in and reading the signed-in user on every request."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef


class PortalBackend(ModelBackend):
    """Django's ModelBackend, except that reading the user behind a session — which every request
    does — reads the user, their organisation and their role codes in one query on PostgreSQL
    (three queries otherwise: the user, the organisation when first used, the roles)."""

    def get_user(self, user_id):
        User = get_user_model()
        users = User._default_manager.select_related("organisation")
        if connection.vendor == "postgresql":
            roles = User.roles.through.objects.filter(user_id=OuterRef("pk")).values("role_id")
            users = users.annotate(session_role_codes=ArraySubquery(roles))
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        codes = getattr(user, "session_role_codes", None)
        if codes is not None:
            user.set_role_codes(codes)
        return user
