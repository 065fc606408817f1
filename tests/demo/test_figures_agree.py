"""On the demo city, every page that shows a unit's figures shows the figures layer's, and the
approved figures equal a sum of approved revisions done by hand (issue: one set of true figures).

The demo has drafts, submitted and returned reports, and corrections, so the approved and working
bases differ; the clock stands on 23 November 2026, so October is the last full month.
"""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from projects.history import owes_report_q
from projects.models import AnnualPlan, Project
from projects.services.lifecycle import project_transition
from reporting import measures
from reporting.measures import Basis
from reporting.models import ReportRevision
from reporting.selectors.pages import grid_for, office_overview

pytestmark = pytest.mark.django_db

TODAY = "2026-11-23"


@pytest.fixture
def city(db):
    call_command("seed_demo", "--today", TODAY, "--projects", "150", stdout=io.StringIO())
    with time_machine.travel(f"{TODAY} 10:00 +0800", tick=False):
        yield


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def figure(html: str, container: str, name: str) -> str:
    """The text of `data-figure="name"` inside the element with id `container`."""
    part = html[html.index(f'id="{container}"') :]
    return re.search(rf'data-figure="{name}"[^>]*>([^<]+)<', part).group(1)


def cell(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>([^<]+)<', html).group(1)


def by_hand(year: int, month: int) -> tuple[Decimal, Decimal, Decimal]:
    """1–N月 completed on the approved basis, the year's plan and 完成率, without the figures layer:
    each report's highest approved revision, summed in Python."""
    latest: dict[int, tuple[int, Decimal]] = {}
    for report_id, revision, invested in ReportRevision.objects.filter(
        report__year=year, report__month__lte=month
    ).values_list("report_id", "revision", "invested"):
        if report_id not in latest or revision > latest[report_id][0]:
            latest[report_id] = (revision, invested)
    ytd = sum((invested for _, invested in latest.values()), Decimal("0"))
    plan = sum(
        AnnualPlan.objects.filter(year=year).values_list("planned_investment", flat=True), Decimal("0")
    )
    rate = (ytd * 100 / plan).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return ytd, plan, rate


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def test_octobers_approved_completion_rate_is_the_same_everywhere_and_a_hand_sum(city, client):
    ytd, plan, rate = by_hand(2026, 10)
    working = measures.figures(projects=Project.objects.all(), year=2026, month=10, basis=Basis.WORKING)
    assert working.ytd_completed != ytd, "the demo must have unapproved values for this test to mean anything"

    office = login(client, "office")
    home = office.get("/").content.decode()
    assert figure(home, "home-figures", "ytd") == money(ytd)
    assert figure(home, "home-figures", "rate") == f"{rate}%"
    page = office.get(reverse("reporting:report_office"), {"year": 2026, "month": 10}).content.decode()
    assert figure(page, "office-figures", "ytd") == money(ytd)
    assert figure(page, "office-figures", "plan") == money(plan)
    assert figure(page, "office-figures", "rate") == f"{rate}%"

    # Each unit's row on the office page is its grid's approved line.
    overview = office_overview(user=User.objects.get(username="office"), year=2026, month=10)
    assert sum((u.figures.ytd_completed for u in overview.units), Decimal("0")) == ytd
    for unit in overview.units[:4]:
        grid = office.get(reverse("reporting:report_grid"), {"unit": unit.unit.pk, "year": 2026, "month": 10})
        html = grid.content.decode()
        assert cell(html, "approved-ytd") == money(unit.figures.ytd_completed)
        assert cell(html, "approved-rate") == (
            f"{unit.figures.completion_rate}%" if unit.figures.completion_rate is not None else "—"
        )


def test_grid_office_page_and_api_agree_with_the_figures_layer_for_every_unit_and_month(city, client):
    office = User.objects.get(username="office")
    api = login(client, "office")
    for month in range(1, 11):
        overview = office_overview(user=office, year=2026, month=month)
        assert overview.units, month
        for unit in overview.units:
            grid = grid_for(unit=unit.unit, year=2026, month=month)
            unit_projects = Project.objects.filter(reporting_unit__path__startswith=unit.unit.path)
            kw = {"projects": unit_projects, "year": 2026, "month": month}
            assert grid.approved == measures.figures(**kw, basis=Basis.APPROVED) == unit.figures
            assert grid.working == measures.figures(**kw, basis=Basis.WORKING)
            # The grid's per-row running totals are the working 1–(N−1)月 of each project.
            ids = [row.project_id for row in grid.rows]
            before = measures.ytd_completed(ids, 2026, month - 1, basis=Basis.WORKING) if month > 1 else {}
            assert {r.project_id: r.ytd_before for r in grid.rows} == {pid: before.get(pid, 0) for pid in ids}
        # The API's rows say their basis and carry the figures layer's 1–N月 on both bases.
        body = api.get("/api/v1/reports/", {"year": 2026, "month": month, "page_size": 200}).json()
        rows = body["results"]
        ids = [r["project"] for r in rows]
        approved = measures.ytd_completed(ids, 2026, month, basis=Basis.APPROVED)
        working = measures.ytd_completed(ids, 2026, month, basis=Basis.WORKING)
        for r in rows:
            assert r["ytd_basis"] == "approved"
            assert Decimal(r["ytd_completed"]) == approved[r["project"]]
            assert Decimal(r["ytd_completed_working"]) == working[r["project"]]


def test_suspending_a_project_today_changes_nothing_in_septembers_grid(city):
    project = (
        Project.objects.filter(stage="construction", reports__year=2026, reports__month=9)
        .select_related("reporting_unit")
        .first()
    )
    unit = project.reporting_unit
    before = grid_for(unit=unit, year=2026, month=9)
    owed_before = office_overview(user=User.objects.get(username="office"), year=2026, month=9)

    project_transition(
        actor=User.objects.get(username="office"), project=project, to="suspended", reason="资金未到位"
    )

    after = grid_for(unit=unit, year=2026, month=9)
    assert [r.project_id for r in after.rows] == [r.project_id for r in before.rows]
    assert project.pk in [r.project_id for r in after.rows]
    assert (after.counts, after.approved, after.working) == (before.counts, before.approved, before.working)
    owed_after = office_overview(user=User.objects.get(username="office"), year=2026, month=9)
    assert [(u.unit.pk, u.required, u.figures) for u in owed_after.units] == [
        (u.unit.pk, u.required, u.figures) for u in owed_before.units
    ]
    # Suspended on 23 November: it still owes November (in construction until that day), not December.
    owes = [
        m for m in (9, 10, 11, 12) if Project.objects.filter(owes_report_q(2026, m), pk=project.pk).exists()
    ]
    assert owes == [9, 10, 11]
