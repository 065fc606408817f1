"""Reading the signed-in user on every request: one query for the user, organisation and roles on
PostgreSQL, the same answers as Django's ModelBackend, and role changes seen on the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from accounts.backends import PortalBackend
from accounts.choices import RoleCode
from accounts.models import Role

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_organisation_and_roles(world, django_assert_num_queries):
    zezhou = world["zezhou"]
    expected = ModelBackend().get_user(zezhou.pk)
    expected_codes, expected_sees_all = expected.role_codes, expected.sees_all_projects
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        user = PortalBackend().get_user(zezhou.pk)
        assert user.organisation.name == "泽州县"
        assert user.role_codes == expected_codes and RoleCode.REPORTER in user.role_codes
        assert user.sees_all_projects is expected_sees_all


def test_a_superuser_is_admin_and_an_inactive_user_is_nobody(world):
    admin = PortalBackend().get_user(world["admin"].pk)
    assert RoleCode.ADMIN in admin.role_codes
    world["leader"].is_active = False
    world["leader"].save()
    assert PortalBackend().get_user(world["leader"].pk) is None
    assert PortalBackend().get_user(10**9) is None


def test_a_role_taken_away_is_gone_on_the_next_request(world):
    assert RoleCode.REPORTER in PortalBackend().get_user(world["zezhou"].pk).role_codes
    world["zezhou"].roles.set(Role.objects.filter(code=RoleCode.LEADER))
    assert PortalBackend().get_user(world["zezhou"].pk).role_codes == {RoleCode.LEADER}
    world["zezhou"].roles.clear()
    assert PortalBackend().get_user(world["zezhou"].pk).role_codes == frozenset()


def test_the_same_user_as_django_reads_and_changes_are_seen_on_the_next_request(
    world, django_assert_num_queries
):
    """The query's SQL is compiled once per user (config.compiled); its rows are read every time."""
    zezhou = world["zezhou"]
    fields = [f.attname for f in type(zezhou)._meta.concrete_fields]
    for _ in range(2):
        user = PortalBackend().get_user(zezhou.pk)
        expected = ModelBackend().get_user(zezhou.pk)
        assert [getattr(user, f) for f in fields] == [getattr(expected, f) for f in fields]
        assert (
            user.organisation == expected.organisation
            and user.organisation.path == expected.organisation.path
        )
    zezhou.organisation = world.gaoping
    zezhou.first_name = "改名"
    zezhou.save()
    with django_assert_num_queries(1):
        user = PortalBackend().get_user(zezhou.pk)
        assert user.organisation.name == "高平市" and user.first_name == "改名"
    zezhou.organisation = None
    zezhou.save()
    assert PortalBackend().get_user(zezhou.pk).organisation is None
