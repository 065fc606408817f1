"""Content-Security-Policy and the session's lifetime (issue 14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def test_no_template_carries_an_inline_script_or_event_handler():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_ATTRIBUTE):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert offenders == []


def test_the_policy_allows_scripts_only_from_our_own_files():
    script = settings.SECURE_CSP["script-src"]
    assert script == ["'self'"]
    assert "'none'" in settings.SECURE_CSP["frame-ancestors"]


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/", "/projects/", "/reports/?year=2025&month=6", "/api/docs/", "/admin/"],
)
def test_every_page_sends_the_policy_and_runs_no_inline_script(world, client, url):
    if url != "/accounts/login/":
        client.force_login(world["admin"])
    response = client.get(url)
    assert response.status_code == 200, url
    header = response["Content-Security-Policy"]
    assert (
        "script-src 'self';" in header and "unsafe-inline" not in header.split("script-src")[1].split(";")[0]
    )
    assert not INLINE_SCRIPT.search(response.content.decode()), url


def test_the_dossier_chart_runs_from_a_static_file(world, client):
    from tests.reporting.conftest import enter

    with __import__("time_machine").travel("2025-07-10 10:00 +0800", tick=False):
        enter(world, world.zz_project, 2025, 6, 100, approve=True)
        client.force_login(world["office"])
        page = client.get(f"/projects/{world.zz_project.pk}/").content.decode()
    assert 'id="report-chart-data"' in page and "js/dossier_chart.js" in page
    assert not INLINE_SCRIPT.search(page)


def test_a_login_lasts_a_working_day_by_default(world, client):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    client.force_login(world["zezhou"])
    assert client.session.get_expiry_age() == 8 * 3600
    assert not client.session.get_expire_at_browser_close()


def test_a_login_may_end_when_the_browser_closes(world, client, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    client.force_login(world["zezhou"])
    response = client.get("/")
    assert client.session.get_expire_at_browser_close()
    cookie = (
        response.cookies.get(settings.SESSION_COOKIE_NAME) or client.cookies[settings.SESSION_COOKIE_NAME]
    )
    assert not cookie["expires"] and not cookie["max-age"]
