"""Helpers for the monthly-progress tests: a frozen July 2025 and a quick way to enter a month."""

from __future__ import annotations

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
