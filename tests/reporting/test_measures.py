"""The one figures layer: rounding, the approved and working bases, corrections, grouping, and the
reporting obligation read from stage history — all against hand-computed numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from projects.choices import Stage
from projects.history import owes_report_q, stage_history_relink
from projects.models import Project, StageChange
from projects.services.lifecycle import project_transition
from reporting import measures
from reporting.measures import Basis
from reporting.models import MonthlyReport
from reporting.selectors.reports import reporting_projects
from reporting.services import ReportRowErrors, report_approve, report_correct, report_submit, reports_save
from tests.factories import FACTORY_HISTORY, AnnualPlanFactory, ProjectFactory

from .conftest import enter, row

D = Decimal


# --- rounding --------------------------------------------------------------------------------


def test_rate_rounds_half_up():
    assert D("18.07") * 100 / D("556.00") == D("3.25")  # an exact tie
    assert measures.rate(D("18.07"), D("556.00")) == D("3.3")


def test_gap_to_time_progress_is_one_division_rounded_once():
    # (121·1200 − 1·100·1200) / (12·1200) = 1.75 exactly → 1.8
    assert measures.gap_to_time_progress(D("121"), D("1200"), 1) == D("1.8")
    # (Two divisions subtracted lose the tie: 10.0833… − 8.3333… = 1.7499…97 → 1.7, the old bug.)


def test_time_progress_zero_base_and_growth():
    assert measures.time_progress(1) == D("8.3")
    assert measures.time_progress(3) == D("25.0")
    assert measures.time_progress(12) == D("100.0")
    assert measures.rate(D("5"), D("0")) is None
    assert measures.rate(D("5"), None) is None
    assert measures.growth(D("160"), D("70")) == D("128.6")  # 90/70 = 1.285714…
    assert measures.growth(D("160"), D("0")) is None


# --- which values count ----------------------------------------------------------------------


@pytest.fixture
def since_january(world):
    """A 泽州县 project in construction since 1 January 2025, plan 1200 for 2025."""
    project = ProjectFactory(
        county=world.zezhou,
        town=world.bagong,
        planned_start=dt.date(2025, 1, 1),
        actual_start=dt.date(2025, 1, 1),
    )
    AnnualPlanFactory(project=project, year=2025)
    return project


def one(project, year=2025, month=2, **kw):
    return measures.figures(projects=Project.objects.filter(pk=project.pk), year=year, month=month, **kw)


def test_approved_and_working_basis(world, since_january):
    p = since_january
    enter(world, p, 2025, 1, 100, approve=True)
    enter(world, p, 2025, 2, 50)  # a draft

    approved = one(p, basis=Basis.APPROVED)
    assert approved.annual_plan == D("1200.00")
    assert approved.ytd_completed == D("100.00")
    assert approved.completion_rate == D("8.3")
    assert approved.month_invested == D("0.00")
    assert approved.prev_month_invested == D("100.00")
    # (100·1200 − 2·100·1200) / (12·1200) = −8.33… → −8.3
    assert approved.vs_time_progress_pp == D("-8.3")
    assert approved.ahead_of_time is False

    working = one(p, basis=Basis.WORKING)
    assert working.ytd_completed == D("150.00")
    assert working.completion_rate == D("12.5")
    assert working.month_invested == D("50.00")
    assert working.mom_rate == D("-50.0")
    # (150·1200 − 240000) / 14400 = −4.166… → −4.2
    assert working.vs_time_progress_pp == D("-4.2")
    assert working.time_progress == approved.time_progress == D("16.7")


def test_a_correction_counts_only_once_approved(world, since_january):
    p = since_january
    report = enter(world, p, 2025, 1, 100, approve=True)  # approved at 10:00
    assert one(p, month=1).ytd_completed == D("100.00")

    between = dt.datetime(2025, 7, 10, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with time_machine.travel("2025-07-10 11:00 +0800", tick=False):
        report = report_correct(
            actor=world["zezhou"],
            report=report,
            row=row(p, 120, version=report.version),
            reason="漏报设备款20万元",
        )
        assert one(p, month=1).ytd_completed == D("100.00")  # a draft correction
        assert one(p, month=1, basis=Basis.WORKING).ytd_completed == D("120.00")

        report = report_submit(actor=world["zezhou"], report=report)
        assert one(p, month=1).ytd_completed == D("100.00")  # submitted, not yet approved

        report_approve(actor=world["zezhou_head"], report=report)
        assert MonthlyReport.objects.get(pk=report.pk).revision == 1
        assert one(p, month=1).ytd_completed == D("120.00")
        assert one(p, month=1).completion_rate == D("10.0")
        after = timezone.now()

    # As published between the two approvals: the first approved value.
    assert one(p, month=1, as_of=between).ytd_completed == D("100.00")
    assert one(p, month=1, as_of=between).completion_rate == D("8.3")
    assert one(p, month=1, as_of=after).ytd_completed == D("120.00")


# --- grouping --------------------------------------------------------------------------------


def test_figures_by_county_match_each_county_set(world, django_assert_num_queries):
    extra = [
        ProjectFactory(county=world.zezhou, town=world.jincun),
        ProjectFactory(county=world.gaoping, town=world.mizhen),
        ProjectFactory(county=world.zone),
    ]
    AnnualPlanFactory(project=extra[0], planned_investment=D("300.00"))
    AnnualPlanFactory(project=extra[2], planned_investment=D("500.00"))
    enter(world, world.zz_project, 2025, 3, 60, approve=True)
    enter(world, world.zz_road, 2025, 3, 40)
    enter(world, extra[0], 2025, 3, D("12.34"))
    enter(world, world.gp_project, 2025, 3, 999, user="gaoping")
    enter(world, extra[1], 2025, 3, 1, user="gaoping")

    with django_assert_num_queries(2):
        grouped = measures.figures_by(
            projects=Project.objects.all(), by="county", year=2025, month=3, basis=Basis.WORKING
        )
    assert set(grouped) == {world.zezhou.pk, world.gaoping.pk, world.zone.pk}
    for county_id, figures in grouped.items():
        assert figures == measures.figures(
            projects=Project.objects.filter(county_id=county_id), year=2025, month=3, basis=Basis.WORKING
        )
    # 泽州县: plans 1200+1200+300, March 60+40+12.34
    zz = grouped[world.zezhou.pk]
    assert (zz.annual_plan, zz.ytd_completed, zz.completion_rate) == (
        D("2700.00"),
        D("112.34"),
        D("4.2"),
    )
    assert grouped[world.gaoping.pk].ytd_completed == D("1000.00")
    assert grouped[world.zone.pk].ytd_completed == D("0.00")
    assert grouped[world.zone.pk].completion_rate == D("0.0")

    # More projects, still two queries.
    for _ in range(5):
        AnnualPlanFactory(project=ProjectFactory(county=world.gaoping))
    with django_assert_num_queries(2):
        measures.figures_by(
            projects=Project.objects.all(), by="county", year=2025, month=3, basis=Basis.WORKING
        )


def test_figures_by_subtree_match_the_subtree_set(world, django_assert_num_queries):
    town_project = ProjectFactory(county=world.zezhou, town=world.bagong, reporting_unit=world.bagong)
    AnnualPlanFactory(project=town_project, planned_investment=D("600.00"))
    enter(world, world.zz_project, 2025, 3, 60, approve=True)
    enter(world, world.zz_road, 2025, 3, 40)  # a draft: not on the approved basis
    enter(world, town_project, 2025, 3, 30, approve=True)
    enter(world, world.gp_project, 2025, 3, 999, approve=True, user="gaoping")

    kw = dict(year=2025, month=3, basis=Basis.APPROVED)
    units = [world.zezhou, world.bagong, world.gaoping]
    with django_assert_num_queries(3):
        result = measures.figures_by_subtree(units=units, projects=Project.objects.all(), **kw)
    assert (result[world.bagong.pk].annual_plan, result[world.bagong.pk].ytd_completed) == (
        D("600.00"),
        D("30.00"),
    )
    assert result[world.bagong.pk].completion_rate == D("5.0")
    assert result[world.gaoping.pk].ytd_completed == D("999.00")
    assert result[world.gaoping.pk] == measures.figures(
        projects=Project.objects.filter(reporting_unit__path__startswith=world.gaoping.path), **kw
    )
    # Under None: every project given, whatever unit reports it.
    assert result[None] == measures.figures(projects=Project.objects.all(), **kw)
    assert result[None].ytd_completed == D("1089.00")  # 60 + 30 + 999
    expected = measures.figures(
        projects=Project.objects.filter(reporting_unit__path__startswith=world.zezhou.path), **kw
    )
    assert result[world.zezhou.pk] == expected
    # plans 1200+1200+600; approved March 60+30
    assert (expected.annual_plan, expected.ytd_completed, expected.completion_rate) == (
        D("3000.00"),
        D("90.00"),
        D("3.0"),
    )


# --- who owes a month ------------------------------------------------------------------------


def test_owing_a_month_follows_stage_history(world):
    p = world.zz_project  # in construction since 2025-03-15
    assert Project.objects.filter(owes_report_q(2025, 9)).filter(pk=p.pk).exists()
    assert Project.objects.filter(owes_report_q(2025, 11)).filter(pk=p.pk).exists()  # until suspended

    with time_machine.travel("2025-10-10 10:00 +0800", tick=False):
        project_transition(actor=world["office"], project=p, to="suspended", reason="资金未到位")
        p.refresh_from_db()
        assert p.stage == "suspended"
        # The suspension from 10 October changes no past month.
        assert Project.objects.filter(owes_report_q(2025, 9)).filter(pk=p.pk).exists()
        assert p in reporting_projects(unit=world.zezhou, year=2025, month=9)
        assert not Project.objects.filter(owes_report_q(2025, 11)).filter(pk=p.pk).exists()


def test_a_month_before_the_history_starts_is_not_owed(world):
    p = world.zz_project  # history starts 2025-03-15
    assert not Project.objects.filter(owes_report_q(2025, 1)).filter(pk=p.pk).exists()
    assert Project.objects.filter(owes_report_q(2025, 3)).filter(pk=p.pk).exists()
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=1, rows=[row(p, 10)])
    # Before its actual start the row check speaks first.
    assert "不能填报开工前的月份" in str(excinfo.value)
    assert not MonthlyReport.objects.filter(project=p, year=2025, month=1).exists()


def test_a_month_outside_construction_in_history_is_refused(world):
    """Started 10 January, suspended from 31 January, resumed 1 April: February and March are not
    owed although the actual start is earlier, and saving February is refused."""
    p = ProjectFactory(county=world.zezhou, actual_start=dt.date(2025, 1, 10), history=False)
    at = timezone.now() - dt.timedelta(days=30)
    for i, (before, to, day) in enumerate(
        [
            ("", Stage.CONSTRUCTION, dt.date(2025, 1, 10)),
            (Stage.CONSTRUCTION, Stage.SUSPENDED, dt.date(2025, 1, 31)),
            (Stage.SUSPENDED, Stage.CONSTRUCTION, dt.date(2025, 4, 1)),
        ]
    ):
        StageChange.objects.create(
            project=p,
            from_stage=before,
            to_stage=to,
            at=at + dt.timedelta(days=i),
            reason=FACTORY_HISTORY,
            effective_date=day,
        )
    stage_history_relink([p.pk])
    owing = {m for m in range(1, 7) if Project.objects.filter(owes_report_q(2025, m), pk=p.pk).exists()}
    assert owing == {1, 4, 5, 6}
    assert p not in reporting_projects(unit=world.zezhou, year=2025, month=2)

    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=2, rows=[row(p, 10)])
    assert "不处于在建阶段" in str(excinfo.value)
    assert not MonthlyReport.objects.filter(project=p, year=2025, month=2).exists()
