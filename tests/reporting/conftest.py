"""Helpers for the monthly-progress tests: a frozen July 2025 and a quick way to enter a month."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal

import pytest
import time_machine

from reporting.services import ReportRow, reports_approve, reports_save

# The clock of every test here unless it travels elsewhere: 10 July 2025, so June is the month
# being reported and August is the future.
NOW = "2025-07-10 10:00 +0800"


@pytest.fixture(autouse=True)
def july_2025():
    with time_machine.travel(NOW, tick=False):
        yield


def row(project, invested, version=None, **kw) -> ReportRow:
    """A filled-in row: 形象进度 given whenever the amount is positive, unless told otherwise."""
    amount = None if invested is None else Decimal(str(invested))
    if amount and "image_progress" not in kw:
        kw["image_progress"] = "主体施工"
    return ReportRow(project_id=project.pk, invested=amount, version=version, **kw)


def enter(world, project, year, month, invested, *, approve=False, user="zezhou"):
    """Save (and optionally submit and approve) one month of one project; returns the report."""
    actor = world[user]
    (report,) = reports_save(
        actor=actor, year=year, month=month, rows=[row(project, invested)], submit=approve
    )
    if approve:
        reports_approve(actor=world["office"], report_ids=[report.pk])
        report.refresh_from_db()
    return report


# --- the browser tests (Playwright + Debian's Chromium) ------------------------------------

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless=new", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("needs the playwright Python package (pip install playwright)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def cookies_without_expiry(settings):
    # The server's clock is frozen in July 2025 (conftest); the browser's is not. Session-only
    # cookies keep a cookie dated "2025" from looking expired to Chromium.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
