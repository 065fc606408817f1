"""Signing in and out, lockout after repeated failures, and changing one's password."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
NEW_PASSWORD = "Jincheng#2026xm"


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_page_is_in_chinese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("登录", "用户名", "密码", "项目建设攻坚平台"):
        assert text in page


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_correct_password_signs_in_and_opens_the_start_page(world, client):
    response = sign_in(client, "zezhou", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert "项目库" in client.get("/").content.decode()


def test_login_returns_to_the_page_asked_for(world, client):
    response = sign_in(client, "zezhou", PASSWORD, next="/accounts/profile/")
    assert response["Location"] == "/accounts/profile/"


def test_login_does_not_redirect_to_another_site(world, client):
    response = sign_in(client, "zezhou", PASSWORD, next="https://evil.example/steal")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_shows_the_chinese_message(world, client):
    response = sign_in(client, "zezhou", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert not is_signed_in(client)


def test_unknown_user_gets_the_same_message_as_a_wrong_password(world, client):
    response = sign_in(client, "nobody", "wrong-password")
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_chinese_message(world, client):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "zezhou", "wrong-password").status_code == 200
    locked = sign_in(client, "zezhou", "wrong-password")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()

    # Even the right password is refused while locked.
    again = sign_in(client, "zezhou", PASSWORD)
    assert again.status_code == 429
    assert "锁定" in again.content.decode()
    assert not is_signed_in(client)


def test_a_lockout_does_not_lock_other_accounts(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "zezhou", "wrong-password")
    response = sign_in(client, "gaoping", PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_fewer_failures_than_the_limit_still_allow_a_login(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "zezhou", "wrong-password")
    assert sign_in(client, "zezhou", PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session(world, client):
    sign_in(client, "zezhou", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert is_signed_in(client)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)
    assert client.get("/").status_code == 302


def test_password_change_takes_effect(world, client):
    sign_in(client, "zezhou", PASSWORD)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    done = client.get("/accounts/password/done/")
    assert done.status_code == 200 and "新密码已生效" in done.content.decode()
    assert is_signed_in(client), "changing the password keeps the current session"

    client.post("/accounts/logout/")
    assert sign_in(client, "zezhou", PASSWORD).status_code == 200
    assert sign_in(client, "zezhou", NEW_PASSWORD).status_code == 302


def test_password_change_needs_the_old_password(world, client):
    sign_in(client, "zezhou", PASSWORD)
    response = client.post(
        "/accounts/password/",
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()
    world["zezhou"].refresh_from_db()
    assert world["zezhou"].check_password(PASSWORD)


def test_password_change_refuses_a_weak_password(world, client):
    sign_in(client, "zezhou", PASSWORD)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "这个密码太常见了" in response.content.decode() and "密码只包含数字" in response.content.decode()
    world["zezhou"].refresh_from_db()
    assert world["zezhou"].check_password(PASSWORD)
