"""What a newcomer notices (issue 14): a 403 logs one line, every page has an icon, no JS errors."""

from __future__ import annotations

import logging

import pytest


def test_a_refusal_logs_one_line_without_a_traceback(world, client, caplog):
    client.force_login(world["leader"])
    with caplog.at_level(logging.INFO):
        response = client.get("/projects/import/")
    assert response.status_code == 403
    lines = [r for r in caplog.records if r.name.startswith("django")]
    assert [r.getMessage() for r in lines] == ["Forbidden (Permission denied): /projects/import/"]
    assert lines[0].exc_info is None and not lines[0].exc_text


def test_django_log_records_are_printed_once(settings):
    """Django's default `django` logger has a console handler of its own beside root's."""
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate


def test_a_server_error_still_logs_its_traceback():
    from config.logging_filters import RefusalWithoutTraceback

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), sys.exc_info())
    record.status_code = 500
    RefusalWithoutTraceback().filter(record)
    assert record.exc_info is not None


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/admin/"])
def test_every_page_names_the_portals_icon(world, client, url):
    if url != "/accounts/login/":
        client.force_login(world["admin"])
    page = client.get(url).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.svg")
