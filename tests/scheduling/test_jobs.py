"""What each beat of the rhythm says and to whom, on the small world, with a frozen date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from projects.choices import ApprovalStatus, KeyLevel, Stage
from projects.models import Approval, ApprovalKind, Leader
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from reporting.services import ReportRow, reports_approve, reports_save
from scheduling.models import Notification, Schedule, ScheduleRun
from tests.factories import AnnualPlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def only(*codes):
    Schedule.objects.exclude(code__in=codes).update(is_enabled=False)


def inbox(world, name, kind=None):
    qs = Notification.objects.filter(recipient=world[name])
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))


def submit(project, year, month, status=ReportStatus.SUBMITTED):
    return MonthlyReport.objects.create(
        project=project, year=year, month=month, invested=Decimal("10.00"), status=status
    )


def test_report_due_reminds_the_reporters_of_units_that_have_not_submitted(world, dispatch):
    only("report_due")
    submit(world.gp_project, 2026, 11)
    submit(world.zz_project, 2026, 11, ReportStatus.APPROVED)
    dispatch("2026-12-03 09:05")
    [n] = inbox(world, "zezhou")
    assert n.title == "【报送提醒】2026年11月月度进展请于2026年12月5日前提交"
    assert "泽州县" in n.body and "尚有1个项目未提交" in n.body and "含今天还有2个工作日" in n.body
    assert n.url == f"/reports/?unit={world.zezhou.pk}&year=2026&month=11"
    assert inbox(world, "gaoping") == []  # its one project is submitted
    assert inbox(world, "zezhou_head") == [] and inbox(world, "office") == []


def test_the_missing_list_goes_to_each_units_reviewer_and_the_summary_to_the_office(world, dispatch):
    only("report_missing")
    submit(world.zz_road, 2026, 11)
    dispatch("2026-12-07 09:05")
    [head] = inbox(world, "zezhou_head")
    assert "泽州县仍有1个项目未报送" in head.body
    assert "泽州县巴公智能装备产业园" in head.body and "泽州县金村物流通道" not in head.body
    [office] = inbox(world, "office")
    assert "· 泽州县：1个项目" in office.body and "· 高平市：1个项目" in office.body
    assert office.url == "/reports/office/?year=2026&month=11"
    assert inbox(world, "zezhou") == []  # reporters had their reminder before the due day


def test_xun_dispatch_lists_prework_approvals_due_or_overdue_to_both_units_and_the_handler(world, dispatch):
    only("xun_approvals")
    handler = world["jtj"]
    handler.full_name = "王建军"
    handler.save()
    project = ProjectFactory(
        name="泽州县晋庙铺二级公路",
        county=world.zezhou,
        department=world.jtj,
        stage=Stage.PREWORK,
        actual_start=None,
    )
    kinds = list(ApprovalKind.objects.order_by("sort_order")[:3])
    Approval.objects.create(
        project=project,
        kind=kinds[0],
        status=ApprovalStatus.IN_PROGRESS,
        planned_date=dt.date(2026, 11, 20),
        handler="王建军",
    )
    Approval.objects.create(
        project=project, kind=kinds[1], status=ApprovalStatus.NOT_STARTED, planned_date=dt.date(2026, 12, 8)
    )
    Approval.objects.create(
        project=project, kind=kinds[2], status=ApprovalStatus.DONE, planned_date=dt.date(2026, 12, 2)
    )
    dispatch("2026-12-01 09:05")
    [z] = inbox(world, "zezhou")
    assert z.title == "【旬调度】2026年12月上旬前期手续办理：1项本旬到期，1项已逾期"
    assert f"{kinds[0].name}（办理中，已逾期11天，承办人王建军）" in z.body
    assert f"{kinds[1].name}（未启动，12月8日到期）" in z.body
    assert kinds[2].name not in z.body
    assert z.url == f"/projects/{project.pk}/"
    assert len(inbox(world, "zezhou_head")) == 1
    assert len(inbox(world, "jtj")) == 1  # the responsible unit's reporter, who is also the handler
    assert inbox(world, "gaoping") == []


def test_friday_digest_names_key_projects_behind_time_to_the_office_and_each_leader(world, dispatch):
    only("friday_digest")
    leader = Leader.objects.create(
        name="李副市长", title="副市长", organisation=world.city, user=world["leader"]
    )
    behind = ProjectFactory(
        name="晋城东站综合枢纽", county=world.zezhou, key_level=KeyLevel.CITY, liaison_leader=leader
    )
    AnnualPlanFactory(project=behind, year=2026, planned_investment=Decimal("1200.00"))
    with time_machine.travel("2026-11-04 10:00 +0800", tick=False):  # October entered and approved
        [report] = reports_save(
            actor=world["zezhou"],
            year=2026,
            month=10,
            rows=[ReportRow(project_id=behind.pk, invested=Decimal("10.00"), image_progress="基础施工")],
            submit=True,
        )
        reports_approve(actor=world["office"], report_ids=[report.pk])
    dispatch("2026-12-04 08:35")
    [office] = inbox(world, "office")
    assert office.title == "【周五会商】2026年第49周重点项目调度要点"
    assert "2026年1–10月已审核数据" in office.body
    assert "晋城东站综合枢纽：完成率0.8%，低于时间进度82.5个百分点" in office.body
    [mine] = inbox(world, "leader")
    assert "您包联的项目" in mine.body and "晋城东站综合枢纽" in mine.body
    assert mine.url == f"/projects/?liaison_leader={leader.pk}"


def test_vice_mayors_get_their_own_list_and_the_office_the_summary(world, dispatch):
    only("vice_mayor_dispatch")
    leader = Leader.objects.create(
        name="李副市长", title="副市长", organisation=world.city, user=world["leader"]
    )
    world.zz_project.liaison_leader = leader
    world.zz_project.save()
    dispatch("2026-12-15 09:05")
    [mine] = inbox(world, "leader")
    assert mine.title == "【分管副市长调度】李副市长2026年11月调度项目清单"
    assert "泽州县巴公智能装备产业园（在建）" in mine.body
    [office] = inbox(world, "office")
    assert "· 李副市长：1个项目" in office.body and "本月请调度以下1个项目" in office.body


def test_the_reserve_review_goes_to_every_county_and_department_each_quarter(world, dispatch):
    only("reserve_review")
    ProjectFactory(
        name="泽州县储备项目", county=world.zezhou, stage=Stage.RESERVE, actual_start=None, planned_start=None
    )
    dispatch("2026-12-15 09:05")
    [z] = inbox(world, "zezhou")
    assert z.title == "【储备库调整】2026年第4季度储备项目调整" and "现有储备项目1个" in z.body
    assert "现有储备项目0个" in inbox(world, "gaoping")[0].body
    assert len(inbox(world, "jtj")) == 1


def test_a_friday_in_the_spring_festival_is_announced_on_the_working_day_before(world, dispatch):
    only("friday_digest")
    dispatch("2026-02-13 08:35")  # week 7's Friday
    dispatch("2026-02-14 08:35")  # Saturday, a 调休 working day: week 8's digest (its Friday is a holiday)
    assert [n.key for n in inbox(world, "office")] == ["2026-W07:office", "2026-W08:office"]
    dispatch("2026-02-20 08:35")  # the holiday Friday itself: nothing more
    assert len(inbox(world, "office")) == 2
    assert list(ScheduleRun.objects.values_list("key", flat=True).order_by("key")) == ["2026-W07", "2026-W08"]


def test_a_due_day_in_the_holiday_is_announced_before_it(world, dispatch, settings):
    settings.REPORT_DUE_DAY = 18  # January's reports due 18 February 2026, in the Spring Festival
    only("report_due")
    dispatch("2026-02-12 09:05")
    assert inbox(world, "zezhou") == []
    dispatch("2026-02-13 09:05")  # two working days before the 18th: the 14th (调休) and the 13th
    [n] = inbox(world, "zezhou")
    assert n.key == "2026-01" and "含今天还有2个工作日" in n.body


def test_the_admin_edited_template_is_what_people_read(world, dispatch):
    only("report_due")
    Schedule.objects.filter(code="report_due").update(
        title_template="{unit}请于{due}前报送{period}进展", body_template="还差{remaining}个。{unknown}"
    )
    dispatch("2026-12-03 09:05")
    [n] = inbox(world, "zezhou")
    assert n.title == "泽州县请于2026年12月5日前报送2026年11月进展"
    assert n.body == "还差2个。{unknown}"


def test_the_bimonthly_horse_race_notice_gives_the_standing_to_the_office_and_county_heads(world, dispatch):
    only("horse_race")
    dispatch("2026-12-18 09:05")  # 20 December is a Sunday: Friday 18th
    [office] = inbox(world, "office")
    assert office.title == "【双月赛马】2026年12月“赛马”比拼点评会通知"
    assert "第1名" in office.body and "泽州县" in office.body and "高平市" in office.body
    assert office.url == "/ranking/?year=2026&month=11"
    [head] = inbox(world, "zezhou_head")
    assert "第1名" not in head.body  # the heads get the notice; the standing is the office's until published
    assert inbox(world, "zezhou") == []


def test_the_mayors_dispatch_list_goes_to_the_mayor_and_the_office(world, dispatch):
    only("mayor_dispatch")
    Leader.objects.create(name="王市长", title="市长", organisation=world.city, user=world["leader"])
    dispatch("2026-12-25 09:05")
    [mayor] = inbox(world, "leader")
    assert "一、各县（市、区）“赛马”得分" in mayor.body and "二、各县（市、区）投资完成情况" in mayor.body
    assert len(inbox(world, "office")) == 1


def test_a_job_run_from_an_english_page_still_writes_chinese(world, django_capture_on_commit_callbacks):
    from django.utils import translation

    from scheduling import services

    only("friday_digest")
    schedule = Schedule.objects.get(code="friday_digest")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.schedule_run_now(actor=world["office"], schedule=schedule, inline=True)
    [office] = inbox(world, "office")
    assert "累计完成投资" in office.body and "Cumulative" not in office.body
