"""Derived figures against hand-computed numbers, the reporting obligation, lists and scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from projects.choices import Stage
from projects.history import stage_history_relink
from projects.models import Project, StageChange
from reporting import measures
from reporting.choices import ReportStatus
from reporting.measures import Basis
from reporting.models import MonthlyReport
from reporting.selectors.reports import (
    report_get_for_user,
    report_list,
    reporting_projects,
    reports_for_user,
)
from tests.factories import AnnualPlanFactory, ProjectFactory

from .conftest import enter

D = Decimal


@pytest.fixture
def history(world):
    """巴公产业园 started in February 2024 (plans: 2024 900, 2025 1200) and reported:
    2024: Feb 40, Mar 160, Apr 300, Dec 100; 2025: Jan 50, Feb 70, Mar 130.
    金村物流通道 (started 15 March 2025, plan 1200) reported Mar 2025: 30.
    高平 reported Mar 2025: 999 (never in 泽州县's figures)."""
    zz = world.zz_project
    Project.objects.filter(pk=zz.pk).update(actual_start=dt.date(2024, 2, 1))
    StageChange.objects.filter(project=zz, to_stage=Stage.CONSTRUCTION).update(
        effective_date=dt.date(2024, 2, 1)
    )
    stage_history_relink([zz.pk])
    zz.refresh_from_db()
    AnnualPlanFactory(project=zz, year=2024, planned_investment=D("900.00"))
    for (year, month), amount in {
        (2024, 2): 40,
        (2024, 3): 160,
        (2024, 4): 300,
        (2024, 12): 100,
        (2025, 1): 50,
        (2025, 2): 70,
        (2025, 3): 130,
    }.items():
        enter(world, zz, year, month, amount, approve=month % 2 == 0)  # a mix of drafts and approved
    enter(world, world.zz_road, 2025, 3, 30)
    enter(world, world.gp_project, 2025, 3, 999, user="gaoping")
    return world


# These figures are on the working basis (every current value, drafts included); the approved
# basis is tested in test_measures.py.
W = Basis.WORKING


def ytd_completed(ids, year, month):
    return measures.ytd_completed(ids, year, month, basis=W)


def since_start_completed(ids, year, month):
    return measures.since_start_completed(ids, year, month, basis=W)


def project_figures(*, project, year, month):
    return measures.project_figures(project=project, year=year, month=month, basis=W)


def test_ytd_and_since_start(history):
    zz, road, gp = history.zz_project, history.zz_road, history.gp_project
    assert ytd_completed([zz.pk, road.pk], 2025, 3) == {zz.pk: D("250.00"), road.pk: D("30.00")}
    assert ytd_completed([zz.pk], 2025, 2) == {zz.pk: D("120.00")}
    assert ytd_completed([zz.pk], 2024, 12) == {zz.pk: D("600.00")}
    # a project without reports is there with zero
    assert ytd_completed([gp.pk, zz.pk], 2025, 2) == {gp.pk: D("0.00"), zz.pk: D("120.00")}
    # 40 + 160 + 300 + 100 + 50 + 70 + 130
    assert since_start_completed([zz.pk], 2025, 3) == {zz.pk: D("850.00")}
    assert since_start_completed([zz.pk], 2024, 12) == {zz.pk: D("600.00")}


def test_project_figures_for_march(history):
    f = project_figures(project=history.zz_project, year=2025, month=3)
    assert f.annual_plan == D("1200.00")
    assert f.ytd_completed == D("250.00")
    assert f.completion_rate == D("20.8")  # 250 / 1200 = 20.83 %
    assert f.time_progress == D("25.0")  # 3 / 12
    assert f.vs_time_progress_pp == D("-4.2")  # 20.83 − 25
    assert f.ahead_of_time is False
    assert (f.month_invested, f.prev_month_invested) == (D("130.00"), D("70.00"))
    assert f.mom_rate == D("85.7")  # (130 − 70) / 70
    assert f.last_year_ytd == D("200.00")  # 2024 Jan–Mar: 0 + 40 + 160
    assert f.yoy_rate == D("25.0")  # (250 − 200) / 200


def test_january_compares_with_last_december(history):
    f = project_figures(project=history.zz_project, year=2025, month=1)
    assert (f.month_invested, f.prev_month_invested) == (D("50.00"), D("100.00"))
    assert f.mom_rate == D("-50.0")
    assert f.time_progress == D("8.3")  # 1 / 12
    assert f.completion_rate == D("4.2")  # 50 / 1200 = 4.17 %
    assert f.vs_time_progress_pp == D("-4.2")  # 4.17 − 8.33 = −4.17
    assert f.last_year_ytd == D("0.00")
    assert f.yoy_rate is None  # nothing in January 2024


def test_figures_of_a_county(history, django_assert_max_num_queries):
    county = Project.objects.filter(county=history.zezhou)
    with django_assert_max_num_queries(2):
        f = measures.figures(projects=county, year=2025, month=3, basis=W)
    assert f.annual_plan == D("2400.00")
    assert f.ytd_completed == D("280.00")  # 250 + 30
    assert f.completion_rate == D("11.7")  # 280 / 2400 = 11.67 %
    assert f.vs_time_progress_pp == D("-13.3")  # 11.67 − 25
    assert (f.month_invested, f.prev_month_invested) == (D("160.00"), D("70.00"))
    assert f.mom_rate == D("128.6")  # (160 − 70) / 70
    assert f.last_year_ytd == D("200.00")
    assert f.yoy_rate == D("40.0")  # (280 − 200) / 200


def test_figures_without_a_plan_have_no_rates(world):
    project = ProjectFactory(county=world.zezhou)
    f = project_figures(project=project, year=2025, month=6)
    assert f.annual_plan == D("0.00")
    assert f.completion_rate is None and f.vs_time_progress_pp is None and f.mom_rate is None
    assert f.time_progress == D("50.0")


def test_figures_by_project_match_one_by_one(history, django_assert_max_num_queries):
    ids = [history.zz_project.pk, history.zz_road.pk, history.gp_project.pk]
    with django_assert_max_num_queries(2):
        many = measures.figures_by_project(project_ids=ids, year=2025, month=3, basis=W)
    for pid in ids:
        assert many[pid] == project_figures(project=Project.objects.get(pk=pid), year=2025, month=3)
    assert many[history.gp_project.pk].ytd_completed == D("999.00")


def test_monthly_series_of_the_dossier(history):
    series = measures.project_series(project=history.zz_project, basis=W, until=(2025, 3))
    assert [(s["year"], s["month"]) for s in series][:2] == [(2024, 2), (2024, 3)]
    assert len(series) == 14  # Feb 2024 … Mar 2025
    by_month = {(s["year"], s["month"]): s for s in series}
    assert by_month[(2024, 5)]["invested"] is None and by_month[(2024, 5)]["status"] is None
    assert by_month[(2024, 12)]["ytd"] == D("600.00")
    assert by_month[(2024, 12)]["annual_plan"] == D("900.00")
    assert by_month[(2024, 12)]["status"] == ReportStatus.APPROVED
    assert by_month[(2025, 1)]["ytd"] == D("50.00")  # the year restarts
    march = dict(by_month[(2025, 3)])
    assert (
        march.pop("report_id") == MonthlyReport.objects.get(project=history.zz_project, year=2025, month=3).pk
    )
    assert march == {
        "year": 2025,
        "month": 3,
        "invested": D("130.00"),
        "ytd": D("250.00"),
        "cumulative": D("850.00"),
        "annual_plan": D("1200.00"),
        "completion_rate": D("20.8"),
        "status": ReportStatus.DRAFT,
        "revision": 0,
        "working_invested": D("130.00"),
    }
    assert len(measures.project_series(project=history.zz_project, basis=W, months=6, until=(2025, 3))) == 6


def test_which_projects_must_report(world):
    prework = ProjectFactory(county=world.zezhou, stage=Stage.PREWORK, actual_start=None)
    AnnualPlanFactory(project=prework, is_new=True, planned_start_month=6)
    idle = ProjectFactory(county=world.zezhou, stage=Stage.PREWORK, actual_start=None)  # no plan to start
    done = ProjectFactory(
        county=world.zezhou,
        stage=Stage.COMPLETED,
        actual_start=dt.date(2024, 5, 1),
        actual_completion=dt.date(2025, 4, 20),
    )
    city_level = ProjectFactory(county=world.zezhou, reporting_unit=world.jtj)

    def ids(unit, month):
        return set(reporting_projects(unit=unit, year=2025, month=month).values_list("pk", flat=True))

    zz, road = world.zz_project.pk, world.zz_road.pk
    assert ids(world.zezhou, 2) == {done.pk}
    assert ids(world.zezhou, 3) == {zz, road, done.pk}
    assert ids(world.zezhou, 4) == {zz, road, done.pk}
    assert ids(world.zezhou, 5) == {zz, road}
    assert ids(world.zezhou, 6) == {zz, road, prework.pk}
    assert idle.pk not in ids(world.zezhou, 12)
    assert ids(world.jtj, 6) == {city_level.pk}
    assert ids(world.gaoping, 6) == {world.gp_project.pk}
    assert ids(world.city, 6) == {zz, road, prework.pk, city_level.pk, world.gp_project.pk}


def test_report_list_is_scoped_and_carries_ytd(history, django_assert_max_num_queries):
    _, qs = report_list(user=history["zezhou"], filters={"year": "2025", "month": "3"})
    with django_assert_max_num_queries(1):
        rows = {r.project_id: r.ytd_completed_working for r in qs}
    assert rows == {history.zz_project.pk: D("250.00"), history.zz_road.pk: D("30.00")}

    _, qs = report_list(user=history["gaoping"], filters={})
    assert [r.project_id for r in qs] == [history.gp_project.pk]


def test_report_list_filters(history):
    office = history["office"]

    def projects(**filters):
        filterset, qs = report_list(user=office, filters=filters)
        assert filterset.is_valid(), filterset.errors
        return sorted({r.project_id for r in qs})

    zz, road, gp = history.zz_project.pk, history.zz_road.pk, history.gp_project.pk
    assert projects(county=str(history.gaoping.pk)) == [gp]
    assert projects(county=str(history.zezhou.pk), year="2025", month="3") == [zz, road]
    assert projects(department=str(history.jtj.pk)) == [road]
    assert projects(project=str(zz), status=ReportStatus.APPROVED) == [zz]
    _, qs = report_list(user=office, filters={"project": str(zz), "status": ReportStatus.APPROVED})
    assert sorted((r.year, r.month) for r in qs) == [(2024, 2), (2024, 4), (2024, 12), (2025, 2)]


def test_report_get_for_user_is_404_out_of_scope(history):
    report = reports_for_user(history["office"]).get(project=history.zz_project, year=2025, month=3)
    found = report_get_for_user(user=history["zezhou"], pk=report.pk)
    assert found.ytd_completed_working == D("250.00")
    assert found.ytd_completed == D("70.00")  # only February's approved 70 counts on the approved basis
    for persona in ("gaoping", "outsider", "jtj"):
        with pytest.raises(Http404):
            report_get_for_user(user=history[persona], pk=report.pk)
