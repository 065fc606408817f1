"""accounts.sessions: Django's database sessions read through SQL compiled once per session key. The
row is read on every request: an expired, ended or changed session is seen at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def test_the_portal_uses_it():
    assert settings.SESSION_ENGINE == "accounts.sessions"


def test_a_signed_in_user_stays_signed_in_until_the_session_expires(world, client_for):
    client = client_for("zezhou")
    assert client.get(PROFILE).status_code == 200
    assert client.get(PROFILE).status_code == 200  # compiled by now
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(PROFILE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signing_out_ends_the_session_for_a_copied_cookie_too(world, client_for):
    client = client_for("zezhou")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(PROFILE).status_code == 200
    client.post(reverse("accounts:logout"))
    replay = client_for(None)
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replay.get(PROFILE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_what_is_stored_is_read_back_as_it_is_now():
    store = SessionStore()
    store["n"] = 1
    store.create()
    key = store.session_key
    assert SessionStore(key)["n"] == 1
    again = SessionStore(key)
    again["n"] = 2
    again.save()
    assert SessionStore(key)["n"] == 2
    assert SessionStore("no-such-session-key-0123456789").load() == {}
    SessionStore(key).delete()
    fresh = SessionStore(key)
    assert fresh.load() == {} and fresh.session_key is None


def test_one_query_for_the_session(world, client_for, django_assert_max_num_queries):
    client = client_for("zezhou")
    client.get(PROFILE)
    store = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    with django_assert_max_num_queries(1):
        assert store.get("_auth_user_id") == str(world["zezhou"].pk)
