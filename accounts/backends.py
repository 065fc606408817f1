"""Signing in and reading the signed-in user on every request."""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import OuterRef

from config import compiled


class PortalBackend(ModelBackend):
    """Django's ModelBackend, except that reading the user behind a session — which every request
    does — reads the user, their organisation and their role codes in one query on PostgreSQL
    (three queries otherwise: the user, the organisation when first used, the roles)."""

    def get_user(self, user_id):
        User = get_user_model()
        if connection.vendor != "postgresql":
            user = User._default_manager.select_related("organisation").filter(pk=user_id).first()
        else:
            user = _session_user(User, user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


def _session_user(User, user_id):
    """The user, their organisation and role codes in one query whose SQL is compiled once per
    process (config.compiled: the query is the same on every request, the rows are read anew)."""
    Organisation = User._meta.get_field("organisation").related_model
    user_fields, org_fields = _columns(User), _columns(Organisation)

    def build():
        roles = User.roles.through.objects.filter(user_id=OuterRef("pk")).values("role_id")
        return User._default_manager.filter(pk=user_id).values(
            *user_fields,
            *(f"organisation__{name}" for name in org_fields),
            session_role_codes=ArraySubquery(roles),
        )

    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    # One compiled read for every user: the id is its only parameter.
    rows = compiled.values(("session_user",), build, params=(user_id,))
    if not rows:
        return None
    row = rows[0]
    user = User.from_db(DEFAULT_DB_ALIAS, user_fields, [row[name] for name in user_fields])
    organisation = None
    if row["organisation_id"] is not None:
        organisation = Organisation.from_db(
            DEFAULT_DB_ALIAS, org_fields, [row[f"organisation__{name}"] for name in org_fields]
        )
    User._meta.get_field("organisation").set_cached_value(user, organisation)
    user.set_role_codes(row["session_role_codes"])
    return user


@functools.cache
def _columns(model) -> tuple[str, ...]:
    """A model's column attributes, read once per process (every request reads the user)."""
    return tuple(f.attname for f in model._meta.concrete_fields)
