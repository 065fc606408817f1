"""A month of approved figures in the small world: October 2025, seen on 10 November 2025."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache

from projects.models import AnnualPlan
from reporting.services import ReportRow, reports_approve, reports_save
from tests.factories import ProjectFactory

NOW = "2025-11-10 10:00 +0800"


@pytest.fixture(autouse=True)
def empty_cache():
    """Every dashboards test starts and ends with an empty cache (figures, rankings, snapshots)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def november_2025():
    with time_machine.travel(NOW, tick=False):
        yield


def approve(world, project, year, month, amount, user="zezhou"):
    (report,) = reports_save(
        actor=world[user],
        year=year,
        month=month,
        rows=[ReportRow(project_id=project.pk, invested=Decimal(amount), image_progress="主体施工")],
        submit=True,
    )
    reports_approve(actor=world["office"], report_ids=[report.pk])
    return report


@pytest.fixture
def october(world):
    """泽州县: two projects 600 + 300 approved in 2025; 高平市: 1200 approved; a key project in 泽州县
    behind time with coordinates; a new 泽州县 project started in May."""
    approve(world, world.zz_project, 2025, 9, "600")
    approve(world, world.zz_road, 2025, 10, "300")
    approve(world, world.gp_project, 2025, 10, "1200", user="gaoping")
    world.zz_project.key_level = "city"
    world.zz_project.longitude, world.zz_project.latitude = Decimal("112.85"), Decimal("35.45")
    world.zz_project.save()
    started = ProjectFactory(
        name="泽州县新开工光伏项目", county=world.zezhou, actual_start=dt.date(2025, 5, 6)
    )
    AnnualPlan.objects.create(
        project=started, year=2025, planned_investment=Decimal("1000"), is_new=True, planned_start_month=4
    )
    world.zz_new = started
    return world
