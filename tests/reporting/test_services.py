"""Monthly progress writes: the workflow, the lock, corrections, conflicts and every validation rule."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import AuditAction
from accounts.models import AuditLog
from accounts.scoping import subtree_ids
from projects.choices import Stage
from projects.exceptions import ConflictError, TransitionError
from projects.models import StageChange
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport, ReportRevision
from reporting.services import (
    ReportConflict,
    ReportRow,
    ReportRowErrors,
    report_correct,
    report_return,
    report_submit,
    reports_approve,
    reports_save,
    reports_submit,
)
from tests.factories import AnnualPlanFactory, ProjectFactory

from .conftest import enter, row


def errors_of(excinfo, project):
    return excinfo.value.row_errors[project.pk]


# --- saving --------------------------------------------------------------------------------


def test_reporter_saves_a_month_of_drafts(world):
    zz, road = world.zz_project, world.zz_road
    saved = reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[row(zz, "120.50", percent_complete=Decimal("35")), row(road, 0)],
    )
    assert [r.project_id for r in saved] == [zz.pk, road.pk]
    report = MonthlyReport.objects.get(project=zz, year=2025, month=6)
    assert report.invested == Decimal("120.50")
    assert report.image_progress == "主体施工"
    assert report.percent_complete == Decimal("35.00")
    assert report.status == ReportStatus.DRAFT
    assert report.version == 1
    assert report.updated_by == world["zezhou"]
    logs = AuditLog.objects.filter(action=AuditAction.CREATE, object_id__in=[str(r.pk) for r in saved])
    assert logs.count() == 2
    assert logs.get(object_id=str(report.pk)).root_key == f"projects.project:{zz.pk}"


def test_blank_rows_without_a_report_are_skipped(world):
    saved = reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_project, None)])
    assert saved == []
    assert not MonthlyReport.objects.exists()


def test_changed_row_bumps_version_and_unchanged_row_is_untouched(world):
    zz, road = world.zz_project, world.zz_road
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 100), row(road, 50)])
    logs_before = AuditLog.objects.count()
    road_before = MonthlyReport.objects.get(project=road)

    reports_save(
        actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 110, version=1), row(road, 50, version=1)]
    )

    zz_report = MonthlyReport.objects.get(project=zz)
    road_report = MonthlyReport.objects.get(project=road)
    assert (zz_report.invested, zz_report.version) == (Decimal("110.00"), 2)
    assert (road_report.version, road_report.updated_at) == (1, road_before.updated_at)
    update = AuditLog.objects.get(action=AuditAction.UPDATE)
    assert update.changes == {"invested": ["100.00", "110.00"]}
    assert AuditLog.objects.count() == logs_before + 1


def test_resaving_the_same_values_changes_nothing(world):
    zz = world.zz_project
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 100)])
    logs = AuditLog.objects.count()
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(zz, "100.00", version=1)])
    assert MonthlyReport.objects.get(project=zz).version == 1
    assert AuditLog.objects.count() == logs


def test_save_with_submit_submits_the_saved_rows(world):
    zz, road = world.zz_project, world.zz_road
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 100), row(road, 20)], submit=True)
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    report = MonthlyReport.objects.get(project=zz)
    assert report.submitted_by == world["zezhou"]
    assert report.version == 2
    assert AuditLog.objects.filter(action=AuditAction.SUBMIT).count() == 2


# --- conflicts -----------------------------------------------------------------------------


def test_second_save_on_a_stale_version_is_a_conflict_and_nothing_is_overwritten(world):
    zz, road = world.zz_project, world.zz_road
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 100), row(road, 10)])
    # Both alice (zezhou) and the office read version 1; the office saves first.
    reports_save(actor=world["office"], year=2025, month=6, rows=[row(zz, 200, version=1)])

    with pytest.raises(ReportConflict) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=6,
            rows=[row(road, 11, version=1), row(zz, 300, version=1)],
        )
    assert excinfo.value.project_ids == [zz.pk]
    assert isinstance(excinfo.value, ConflictError)
    assert "已被他人修改" in excinfo.value.message and zz.name in excinfo.value.message
    assert MonthlyReport.objects.get(project=zz).invested == Decimal("200.00")
    # all or nothing: the valid row beside the stale one was not written either
    assert MonthlyReport.objects.get(project=road).invested == Decimal("10.00")


def test_creating_a_report_someone_else_just_created_is_a_conflict(world):
    zz = world.zz_project
    reports_save(actor=world["office"], year=2025, month=6, rows=[row(zz, 80)])
    with pytest.raises(ReportConflict):
        reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 90, version=None)])
    assert MonthlyReport.objects.get(project=zz).invested == Decimal("80.00")


# --- validation ----------------------------------------------------------------------------


def test_negative_amount_is_refused(world):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_project, -1)])
    assert errors_of(excinfo, world.zz_project)["invested"] == ["本月完成投资不能为负数"]
    assert not MonthlyReport.objects.exists()


def test_amount_is_required_when_anything_else_is_entered(world):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=6,
            rows=[row(world.zz_project, None, problems="征地未完成")],
        )
    assert errors_of(excinfo, world.zz_project)["invested"] == ["请填写本月完成投资（万元），没有投资请填0"]


def test_future_month_is_refused(world):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=8, rows=[row(world.zz_project, 10)])
    assert errors_of(excinfo, world.zz_project)["__all__"] == ["不能填报未来月份"]


def test_the_current_month_may_be_reported(world):
    (report,) = reports_save(actor=world["zezhou"], year=2025, month=7, rows=[row(world.zz_project, 10)])
    stored = MonthlyReport.objects.get(project=world.zz_project, year=2025, month=7)
    assert (stored.pk, stored.invested, stored.status) == (report.pk, Decimal("10.00"), ReportStatus.DRAFT)


def test_month_before_the_project_started_is_refused(world):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=2, rows=[row(world.zz_project, 10)])
    assert errors_of(excinfo, world.zz_project)["__all__"] == ["项目于2025年3月开工，不能填报开工前的月份"]
    # the start month itself is fine
    reports_save(actor=world["zezhou"], year=2025, month=3, rows=[row(world.zz_project, 10)])


def test_image_progress_is_required_when_money_was_spent(world):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_project, 10, image_progress="  ")]
        )
    assert errors_of(excinfo, world.zz_project)["image_progress"] == ["本月有完成投资时须填写形象进度"]
    # zero needs no 形象进度
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_project, 0)])


def test_amount_beyond_the_remaining_investment_needs_an_explanation(world):
    zz = world.zz_project  # total 10000
    reports_save(actor=world["zezhou"], year=2025, month=4, rows=[row(zz, 9000)])
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=5, rows=[row(zz, "1000.01")])
    # The figures read as money (SQLite sums come back as 9000.00000000000 unless rounded).
    assert errors_of(excinfo, zz)["explanation"] == [
        "本月完成投资超过剩余投资（总投资10000.00万元，已完成9000.00万元，剩余1000.00万元），请填写超出说明"
    ]
    # exactly the remainder is fine; beyond it with an explanation too
    reports_save(actor=world["zezhou"], year=2025, month=5, rows=[row(zz, 1000)])
    reports_save(
        actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 5, explanation="追加投资，已调整概算")]
    )


def test_percent_complete_must_be_between_0_and_100(world):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=6,
            rows=[row(world.zz_project, 10, percent_complete=Decimal("100.5"))],
        )
    assert errors_of(excinfo, world.zz_project)["percent_complete"] == ["工程形象完成比例应在0到100之间"]


@pytest.mark.parametrize(
    ("invested", "message"),
    [
        ("12.345", "本月完成投资最多保留两位小数（万元）"),
        ("一百", "本月完成投资须为数字（万元）"),
        ("1000000000000", "本月完成投资数额过大，请核对单位（万元）"),
    ],
)
def test_amount_must_be_a_plausible_sum_in_wan_yuan(world, invested, message):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=6,
            rows=[ReportRow(project_id=world.zz_project.pk, invested=invested, image_progress="施工")],
        )
    assert errors_of(excinfo, world.zz_project)["invested"] == [message]


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        (Stage.RESERVE, "储备项目不填报月度进展，请先转入前期或在建阶段"),
        (Stage.CANCELLED, "项目已终止，不能填报月度进展"),
    ],
)
def test_reserve_and_cancelled_projects_do_not_report(world, stage, message):
    project = ProjectFactory(county=world.zezhou, stage=stage)
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(project, 0)])
    assert message in errors_of(excinfo, project)["__all__"]


def test_all_errors_of_all_rows_come_back_together(world):
    zz, road = world.zz_project, world.zz_road
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=6,
            rows=[row(zz, -5), row(road, 10, image_progress="", percent_complete=Decimal("-1"))],
        )
    assert set(excinfo.value.row_errors) == {zz.pk, road.pk}
    assert set(excinfo.value.row_errors[road.pk]) == {"image_progress", "percent_complete"}
    assert any(zz.name in m for m in excinfo.value.messages)


def test_project_out_of_scope_is_a_row_error(world):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["gaoping"], year=2025, month=6, rows=[row(world.zz_project, 10)])
    assert errors_of(excinfo, world.zz_project)["__all__"] == ["项目不在您的管辖范围内"]
    assert not MonthlyReport.objects.exists()


def test_out_of_scope_row_never_reveals_an_existing_report(world):
    enter(world, world.zz_project, 2025, 6, 100)
    with pytest.raises(
        ReportRowErrors
    ) as excinfo:  # not a conflict: gaoping must not learn the report exists
        reports_save(actor=world["gaoping"], year=2025, month=6, rows=[row(world.zz_project, 10, version=7)])
    assert errors_of(excinfo, world.zz_project)["__all__"] == ["项目不在您的管辖范围内"]
    assert MonthlyReport.objects.get().invested == Decimal("100.00")


@pytest.mark.parametrize("persona", ["leader", "stats", "zezhou_head", "outsider"])
def test_only_reporters_and_the_office_enter_reports(world, persona):
    with pytest.raises(PermissionDenied):
        reports_save(actor=world[persona], year=2025, month=6, rows=[row(world.zz_project, 10)])


# --- a 前期 project reporting its first investment starts it --------------------------------


@pytest.fixture
def prework(world):
    project = ProjectFactory(
        name="泽州县新开工光伏项目", county=world.zezhou, stage=Stage.PREWORK, actual_start=None
    )
    AnnualPlanFactory(project=project, year=2025, is_new=True, planned_start_month=6)
    return project


def test_prework_project_with_investment_needs_the_actual_start(world, prework):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(prework, 10)])
    assert errors_of(excinfo, prework)["actual_start"] == [
        "前期项目首次填报投资即视为开工，请填写实际开工日期"
    ]
    prework.refresh_from_db()
    assert prework.stage == Stage.PREWORK


@pytest.mark.parametrize(
    "month, actual_start, message",
    [
        (6, dt.date(2025, 7, 1), "实际开工日期应在2025年6月或之前"),
        (7, dt.date(2025, 7, 11), "实际开工日期不能晚于今天"),  # the clock says 10 July
    ],
    ids=["after-the-month", "in-the-future"],
)
def test_prework_start_date_out_of_range_is_refused(world, prework, month, actual_start, message):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=month,
            rows=[row(prework, 10, actual_start=actual_start)],
        )
    assert errors_of(excinfo, prework)["actual_start"] == [message]
    prework.refresh_from_db()
    assert prework.stage == Stage.PREWORK and prework.actual_start is None
    assert not MonthlyReport.objects.filter(project=prework).exists()


def test_prework_first_investment_starts_the_project_through_the_lifecycle(world, prework):
    reports_save(
        actor=world["zezhou"], year=2025, month=6, rows=[row(prework, 300, actual_start=dt.date(2025, 6, 18))]
    )
    prework.refresh_from_db()
    assert prework.stage == Stage.CONSTRUCTION
    assert prework.actual_start == dt.date(2025, 6, 18)
    change = StageChange.objects.get(project=prework, to_stage=Stage.CONSTRUCTION)
    assert change.from_stage == Stage.PREWORK
    assert change.actor == world["zezhou"]
    assert change.effective_date == dt.date(2025, 6, 18)
    assert MonthlyReport.objects.get(project=prework).invested == Decimal("300.00")


def test_prework_start_in_a_later_month_than_reported_is_refused(world, prework):
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=5,
            rows=[row(prework, 10, actual_start=dt.date(2025, 6, 2))],
        )
    assert "实际开工日期应在2025年5月或之前" in errors_of(excinfo, prework)["actual_start"]
    assert "项目于2025年6月开工，不能填报开工前的月份" in errors_of(excinfo, prework)["__all__"]


def test_prework_zero_report_does_not_start_the_project(world, prework):
    # A 前期 project does not owe June: its zero row is not kept (and does not start it).
    assert reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(prework, 0)]) == []
    assert not MonthlyReport.objects.filter(project=prework).exists()
    prework.refresh_from_db()
    assert prework.stage == Stage.PREWORK
    assert not StageChange.objects.filter(project=prework, to_stage=Stage.CONSTRUCTION).exists()


# --- workflow ------------------------------------------------------------------------------


def test_full_workflow_submit_return_resubmit_approve(world):
    report = enter(world, world.zz_project, 2025, 6, 100)
    report = report_submit(actor=world["zezhou"], report=report, expected_version=1)
    assert (report.status, report.version) == (ReportStatus.SUBMITTED, 2)

    report = report_return(actor=world["zezhou_head"], report=report, reason="形象进度过于简略")
    assert report.status == ReportStatus.RETURNED
    assert report.return_reason == "形象进度过于简略"
    assert report.reviewed_by == world["zezhou_head"]

    # a returned report is editable again, then resubmitted
    reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[
            row(world.zz_project, 100, version=report.version, image_progress="主体结构封顶，完成二层砌筑")
        ],
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    report = report_submit(actor=world["zezhou"], report=report)
    assert report.status == ReportStatus.SUBMITTED and report.return_reason == ""

    assert reports_approve(actor=world["zezhou_head"], report_ids=[report.pk]) == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    revision = ReportRevision.objects.get(report=report)
    assert (revision.revision, revision.invested, revision.image_progress) == (
        0,
        Decimal("100.00"),
        "主体结构封顶，完成二层砌筑",
    )
    actions = list(
        AuditLog.objects.filter(object_id=str(report.pk)).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "return", "update", "submit", "approve"]


def test_submit_twice_is_idempotent(world):
    report = enter(world, world.zz_project, 2025, 6, 100)
    report = report_submit(actor=world["zezhou"], report=report)
    again = report_submit(actor=world["zezhou"], report=report)
    assert again.version == report.version
    assert AuditLog.objects.filter(action=AuditAction.SUBMIT).count() == 1


def test_submit_with_a_stale_version_is_a_conflict(world):
    report = enter(world, world.zz_project, 2025, 6, 100)
    reports_save(actor=world["office"], year=2025, month=6, rows=[row(world.zz_project, 101, version=1)])
    with pytest.raises(ReportConflict):
        report_submit(actor=world["zezhou"], report=report, expected_version=1)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_bulk_submit_of_a_unit_month(world):
    enter(world, world.zz_project, 2025, 6, 100)
    enter(world, world.zz_road, 2025, 6, 50)
    enter(world, world.gp_project, 2025, 6, 70, user="gaoping")
    enter(world, world.zz_project, 2025, 5, 10)
    assert reports_submit(actor=world["zezhou"], year=2025, month=6, unit=world.zezhou) == 2
    assert reports_submit(actor=world["zezhou"], year=2025, month=6, unit=world.zezhou) == 0
    statuses = dict(
        MonthlyReport.objects.values_list("project_id", "month").annotate().values_list("pk", "status")
    )
    assert sorted(statuses.values()) == ["draft", "draft", "submitted", "submitted"]
    assert MonthlyReport.objects.get(project=world.gp_project).status == ReportStatus.DRAFT


def test_approve_a_draft_is_illegal(world):
    report = enter(world, world.zz_project, 2025, 6, 100)
    with pytest.raises(TransitionError) as excinfo:
        reports_approve(actor=world["zezhou_head"], report_ids=[report.pk])
    assert excinfo.value.messages == ["该月度进展尚未提交，不能审核。"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert not ReportRevision.objects.exists()


def test_approve_a_returned_report_is_illegal(world):
    report = enter(world, world.zz_project, 2025, 6, 100)
    report_submit(actor=world["zezhou"], report=report)
    report_return(actor=world["zezhou_head"], report=report, reason="数据有误")
    with pytest.raises(TransitionError):
        reports_approve(actor=world["zezhou_head"], report_ids=[report.pk])


def test_return_needs_a_reason(world):
    report = report_submit(actor=world["zezhou"], report=enter(world, world.zz_project, 2025, 6, 100))
    with pytest.raises(ValidationError) as excinfo:
        report_return(actor=world["zezhou_head"], report=report, reason="  ")
    assert excinfo.value.message_dict == {"reason": ["退回须填写原因。"]}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_return_a_draft_or_an_approved_report_is_illegal(world):
    draft = enter(world, world.zz_project, 2025, 6, 100)
    with pytest.raises(TransitionError) as excinfo:
        report_return(actor=world["zezhou_head"], report=draft, reason="不对")
    assert excinfo.value.messages == ["只能退回已提交的月度进展。"]
    approved = enter(world, world.zz_road, 2025, 6, 10, approve=True)
    with pytest.raises(TransitionError) as excinfo:
        report_return(actor=world["zezhou_head"], report=approved, reason="不对")
    assert "不能退回" in excinfo.value.messages[0]


def test_submit_an_approved_report_is_illegal(world):
    approved = enter(world, world.zz_project, 2025, 6, 10, approve=True)
    with pytest.raises(TransitionError):
        report_submit(actor=world["zezhou"], report=approved)


@pytest.mark.parametrize("persona", ["zezhou", "leader", "stats"])
def test_only_reviewers_and_the_office_approve_or_return(world, persona):
    report = report_submit(actor=world["zezhou"], report=enter(world, world.zz_project, 2025, 6, 100))
    with pytest.raises(PermissionDenied):
        reports_approve(actor=world[persona], report_ids=[report.pk])
    with pytest.raises(PermissionDenied):
        report_return(actor=world[persona], report=report, reason="x")


def test_reviewer_of_another_county_cannot_approve(world):
    report = report_submit(actor=world["zezhou"], report=enter(world, world.zz_project, 2025, 6, 100))
    from tests.factories import make_user

    gaoping_head = make_user("gaoping_head", world.gaoping, "reviewer")
    with pytest.raises(PermissionDenied):
        reports_approve(actor=gaoping_head, report_ids=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- the lock on approved reports and corrections -------------------------------------------


def test_an_approved_report_is_locked(world):
    enter(world, world.zz_project, 2025, 6, 100, approve=True)
    report = MonthlyReport.objects.get()
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"],
            year=2025,
            month=6,
            rows=[row(world.zz_project, 150, version=report.version)],
        )
    assert errors_of(excinfo, world.zz_project)["__all__"] == [
        "本月进展已审核，已锁定；如需修改请使用“更正”。"
    ]
    report.refresh_from_db()
    assert report.invested == Decimal("100.00")
    # the whole grid may be posted again with the approved row unchanged
    reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[row(world.zz_project, 100, version=report.version), row(world.zz_road, 5)],
    )


def test_a_submitted_report_cannot_be_edited(world):
    report = report_submit(actor=world["zezhou"], report=enter(world, world.zz_project, 2025, 6, 100))
    with pytest.raises(ReportRowErrors) as excinfo:
        reports_save(
            actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_project, 1, version=report.version)]
        )
    assert "已提交" in errors_of(excinfo, world.zz_project)["__all__"][0]


def test_correction_keeps_every_version(world):
    zz = world.zz_project
    report = enter(world, zz, 2025, 6, 100, approve=True)

    with pytest.raises(ValidationError) as excinfo:
        report_correct(
            actor=world["zezhou"], report=report, row=row(zz, 120, version=report.version), reason=""
        )
    assert excinfo.value.message_dict == {"correction_reason": ["更正须填写原因。"]}

    report = report_correct(
        actor=world["zezhou"],
        report=report,
        row=row(zz, 120, version=report.version),
        reason="漏报设备款20万元",
    )
    assert (report.status, report.revision, report.invested) == (ReportStatus.DRAFT, 1, Decimal("120.00"))
    assert report.correction_reason == "漏报设备款20万元"
    report_submit(actor=world["zezhou"], report=report)
    reports_approve(actor=world["zezhou_head"], report_ids=[report.pk])

    report = report_correct(
        actor=world["office"],
        report=MonthlyReport.objects.get(pk=report.pk),
        row=row(zz, 115),
        reason="核减重复计列5万元",
    )
    report_submit(actor=world["zezhou"], report=report)
    # Four eyes: the office corrected this revision, so another reviewer approves it.
    with pytest.raises(PermissionDenied, match="双人复核"):
        reports_approve(actor=world["office"], report_ids=[report.pk])
    reports_approve(actor=world["zezhou_head"], report_ids=[report.pk])

    versions = list(
        ReportRevision.objects.filter(report=report).values_list("revision", "invested", "correction_reason")
    )
    assert versions == [
        (0, Decimal("100.00"), ""),
        (1, Decimal("120.00"), "漏报设备款20万元"),
        (2, Decimal("115.00"), "核减重复计列5万元"),
    ]
    report.refresh_from_db()
    assert (report.status, report.revision, report.invested) == (ReportStatus.APPROVED, 2, Decimal("115.00"))
    assert AuditLog.objects.filter(action=AuditAction.CORRECT, object_id=str(report.pk)).count() == 2


def test_correcting_a_report_that_is_not_approved_is_illegal(world):
    report = enter(world, world.zz_project, 2025, 6, 100)
    with pytest.raises(TransitionError):
        report_correct(actor=world["zezhou"], report=report, row=row(world.zz_project, 1), reason="x")


def test_correction_with_a_stale_version_is_a_conflict(world):
    report = enter(world, world.zz_project, 2025, 6, 100, approve=True)
    with pytest.raises(ReportConflict):
        report_correct(
            actor=world["zezhou"], report=report, row=row(world.zz_project, 1, version=1), reason="x"
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_correction_applies_the_same_validation(world):
    report = enter(world, world.zz_project, 2025, 6, 100, approve=True)
    with pytest.raises(ReportRowErrors) as excinfo:
        report_correct(actor=world["zezhou"], report=report, row=row(world.zz_project, -3), reason="x")
    assert errors_of(excinfo, world.zz_project)["invested"] == ["本月完成投资不能为负数"]


# --- performance ---------------------------------------------------------------------------


def _unit_with(world, n):
    projects = ProjectFactory.create_batch(n, county=world.zezhou)
    for p in projects:
        AnnualPlanFactory(project=p)
    return projects


def _count_queries(fn) -> tuple[int, int]:
    """`(other statements, INSERT statements)` run by `fn`."""
    with CaptureQueriesContext(connection) as ctx:
        fn()
    sqls = [q["sql"].lstrip().upper() for q in ctx.captured_queries]
    inserts = sum(1 for sql in sqls if sql.startswith("INSERT"))
    return len(sqls) - inserts, inserts


def assert_same_cost(small, large):
    """Same statements for 10 and 100 rows. SQLite caps bind parameters, so Django splits a bulk
    INSERT into batches there; PostgreSQL sends one per table."""
    assert small[0] == large[0]
    if connection.vendor == "postgresql":
        assert small[1] == large[1]
    else:
        assert large[1] <= 3 * small[1]


def test_save_and_submit_query_count_does_not_grow_with_rows(world):
    small, large = _unit_with(world, 10), _unit_with(world, 100)
    actor = world["office"]
    actor.role_codes  # noqa: B018  (cached once per request in real life)
    ContentType.objects.get_for_model(MonthlyReport)  # cached once per process in real life

    def save(projects, amount, versions=None, submit=False):
        rows = [row(p, amount, version=(versions or {}).get(p.pk)) for p in projects]
        return lambda: reports_save(actor=actor, year=2025, month=6, rows=rows, submit=submit)

    assert_same_cost(_count_queries(save(small, 10)), _count_queries(save(large, 10)))
    assert_same_cost(
        _count_queries(save(small, 20, {p.pk: 1 for p in small}, submit=True)),
        _count_queries(save(large, 20, {p.pk: 1 for p in large}, submit=True)),
    )
    assert MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED, invested=20).count() == 110

    ids_small = list(MonthlyReport.objects.filter(project__in=small).values_list("pk", flat=True))
    ids_large = list(MonthlyReport.objects.filter(project__in=large).values_list("pk", flat=True))
    # Four eyes: the office entered and submitted them, so the unit's reviewer approves.
    head = world["zezhou_head"]
    head.role_codes  # noqa: B018
    subtree_ids(head.organisation)  # cached once per request in real life
    assert_same_cost(
        _count_queries(lambda: reports_approve(actor=head, report_ids=ids_small)),
        _count_queries(lambda: reports_approve(actor=head, report_ids=ids_large)),
    )
    assert ReportRevision.objects.count() == 110


# --- real concurrency (PostgreSQL: row locks) -----------------------------------------------


def _race(world, calls):
    """Run `calls` ({persona: rows}) at the same moment in threads; `{persona: "saved" | "conflict"}`."""
    barrier = threading.Barrier(len(calls))
    results = {}

    def run(persona, rows):
        try:
            barrier.wait()
            reports_save(actor=world[persona], year=2025, month=6, rows=rows)
            results[persona] = "saved"
        except ReportConflict:
            results[persona] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


# Real transactions; the roles from the data migration are restored after the flush.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_saving_the_same_version_at_once_one_wins(postgres_only, world):
    zz = world.zz_project
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(zz, 100)])
    world["zezhou"].role_codes, world["office"].role_codes

    results = _race(world, {"zezhou": [row(zz, 200, version=1)], "office": [row(zz, 300, version=1)]})

    assert sorted(results.values()) == ["conflict", "saved"]
    winner = next(p for p, r in results.items() if r == "saved")
    report = MonthlyReport.objects.get(project=zz)
    assert report.version == 2
    assert report.invested == {"zezhou": Decimal("200.00"), "office": Decimal("300.00")}[winner]
    assert report.updated_by == world[winner]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_creating_the_same_report_at_once_one_wins(postgres_only, world):
    zz = world.zz_project
    world["zezhou"].role_codes, world["office"].role_codes

    results = _race(world, {"zezhou": [row(zz, 200)], "office": [row(zz, 300)]})

    assert sorted(results.values()) == ["conflict", "saved"]
    winner = next(p for p, r in results.items() if r == "saved")
    report = MonthlyReport.objects.get(project=zz)
    assert (report.version, report.updated_by) == (1, world[winner])
