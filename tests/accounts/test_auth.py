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


# --- lockout behind the reverse proxy (issue 14) ------------------------------------------------

PROXY = "10.0.0.5"


def fail_from(client, username, *, peer, forwarded=None, times=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    for _ in range(times or settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": username, "password": "wrong"}, **extra)
    return response


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]


def test_an_attacker_behind_the_proxy_does_not_lock_out_the_same_user_elsewhere(world, client, behind_proxy):
    assert fail_from(client, "zezhou", peer=PROXY, forwarded="203.0.113.9").status_code == 429
    ok = client.post(
        LOGIN,
        {"username": "zezhou", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert ok.status_code == 302 and is_signed_in(client)


def test_the_proxy_header_is_ignored_from_anyone_but_the_proxy(world, client, behind_proxy):
    """A client talking to gunicorn directly cannot pick a new address per attempt to dodge the lock."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        last = fail_from(client, "zezhou", peer="192.0.2.1", forwarded=f"203.0.113.{n}", times=1)
    assert last.status_code == 429


def test_the_client_is_the_right_most_address_that_is_not_one_of_our_proxies(rf, behind_proxy):
    from accounts.network import client_ip

    def ip(peer, forwarded=None):
        meta = {"REMOTE_ADDR": peer}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(rf.get("/", **meta))

    assert ip(PROXY, "1.2.3.4, 203.0.113.9") == "203.0.113.9"  # a forged left-hand entry is ignored
    assert ip(PROXY, "203.0.113.9, 10.1.2.3") == "203.0.113.9"  # through two of our proxies
    assert ip(PROXY, "garbage, 10.1.2.3") == PROXY
    assert ip(PROXY) == PROXY
    assert ip("192.0.2.1", "203.0.113.9") == "192.0.2.1"


def test_wrong_old_passwords_on_the_change_page_count_and_lock_the_account(world, client):
    client.force_login(world["zezhou"])
    url = "/accounts/password/"
    data = {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, data).status_code == 200
    locked = client.post(url, data)
    assert locked.status_code == 429 and "锁定" in locked.content.decode()
    assert not is_signed_in(client)
    assert sign_in(client, "zezhou", PASSWORD).status_code == 429


def test_an_admin_unlocks_a_locked_account_from_the_admin(world, client):
    from accounts.models import AuditLog

    fail_from(client, "zezhou", peer="127.0.0.1")
    assert sign_in(client, "zezhou", PASSWORD).status_code == 429
    client.force_login(world["admin"])
    response = client.post(
        "/admin/accounts/user/",
        {"action": "unlock_accounts", "_selected_action": [world["zezhou"].pk]},
        follow=True,
    )
    assert "已解除 1 个账号的登录锁定" in response.content.decode()
    assert AuditLog.objects.filter(message="解除登录锁定").exists()
    client.logout()
    assert sign_in(client, "zezhou", PASSWORD).status_code == 302


def test_an_admin_setting_a_new_password_lifts_the_lockout(world, client):
    fail_from(client, "zezhou", peer="127.0.0.1")
    client.force_login(world["admin"])
    url = f"/admin/accounts/user/{world['zezhou'].pk}/password/"
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert sign_in(client, "zezhou", NEW_PASSWORD).status_code == 302
