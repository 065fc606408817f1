"""The month-end round on the pages: returned rows on the grid and in 全部提交, the review page's
context (last month, 1–N月累计, plan, 完成率, gap, earlier returns), approving a selection, and the
messages that quote what happened."""

from __future__ import annotations

import re

import pytest

from accounts.choices import RoleCode
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from reporting.services import report_return, reports_save
from tests.factories import AnnualPlanFactory, ProjectFactory, make_user

from .conftest import enter, row
from .test_views import REVIEW, content, grid_url, post_grid

pytestmark = pytest.mark.django_db


def review_url(world):
    return f"{REVIEW}?unit={world.zezhou.pk}&year=2025&month=6"


@pytest.fixture
def returned(world):
    """June: 巴公 (120) returned with a reason, 金村 (80) submitted; a third project has no report."""
    third = ProjectFactory(name="泽州县第三个在建项目", county=world.zezhou)
    AnnualPlanFactory(project=third, year=2025)
    a, b = reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[row(world.zz_project, 120), row(world.zz_road, 80)],
        submit=True,
    )
    report_return(actor=world["zezhou_head"], report=a, reason="形象进度与现场照片不符")
    return {"a": MonthlyReport.objects.get(pk=a.pk), "b": b, "third": third}


def test_the_grid_shows_a_returned_rows_reason_where_the_clerk_types(world, client_for, returned):
    page = content(client_for("zezhou").get(grid_url(world)))
    row_html = re.search(rf'<tr data-pid="{world.zz_project.pk}".*?</tr>', page, re.S).group(0)
    name_cell = re.search(r'<td class="col-name">.*?</td>', row_html, re.S).group(0)
    assert "退回原因：形象进度与现场照片不符" in name_cell  # in the sticky name column, beside the inputs
    assert 'data-status="returned"' in row_html and 'data-returned-unchanged="1"' in row_html
    assert f'name="r-{world.zz_project.pk}-invested"' in row_html


def test_submit_all_leaves_a_returned_row_nobody_changed_and_says_which_and_why(world, client_for, returned):
    client = client_for("zezhou")
    # Without script the whole grid is posted: the returned row comes back as it was.
    response = post_grid(
        client,
        world,
        {world.zz_project: {"invested": "120", "image_progress": "主体施工"}},
        action="submit",
    )
    assert response.status_code == 302
    page = content(client.get(response["Location"]))
    assert (
        "以下已退回的项目自退回后未修改，未提交：“泽州县巴公智能装备产业园”（退回原因：形象进度与现场照片不符）"
        in page
    )
    assert "还有 1 个项目未填报" in page
    assert MonthlyReport.objects.get(pk=returned["a"].pk).status == ReportStatus.RETURNED

    # Changed since the return: now 全部提交 sends it.
    response = post_grid(
        client,
        world,
        {world.zz_project: {"invested": "120", "image_progress": "主体施工，已补充现场照片"}},
        action="submit",
    )
    page = content(client.get(response["Location"]))
    assert "已提交 1 个项目" in page and "未修改" not in page
    assert MonthlyReport.objects.get(pk=returned["a"].pk).status == ReportStatus.SUBMITTED


def test_the_submit_confirmation_counts_the_rows_still_unfilled(world, client_for, returned):
    page = content(client_for("zezhou").get(grid_url(world)))
    confirm = re.search(r'id="btn-submit" data-confirm="([^"]*)"', page).group(1)
    assert "还有 1 个项目未填报" in confirm


def test_the_review_page_shows_each_rows_context_and_earlier_return(world, client_for):
    enter(world, world.zz_project, 2025, 5, 300, approve=True)  # May: last month, approved
    (june,) = reports_save(
        actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_project, 120)], submit=True
    )
    report_return(actor=world["zezhou_head"], report=june, reason="金额偏大，请核实")
    june.refresh_from_db()
    reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[row(world.zz_project, 100, version=june.version, image_progress="主体施工（已核实）")],
        submit=True,
    )
    page = content(client_for("zezhou_head").get(review_url(world)))
    tr = re.search(r'<tr data-report="\d+" class="was-returned">.*?</tr>', page, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
    # 上月 300, 本月 100, 1–6月累计 400 of plan 1,200: 33.3%, 16.7 points behind 50% time progress
    assert cells[2:8] == ["300.00", "100.00", "400.00", "1,200.00", "33.3%", "-16.7"]
    assert "曾退回：金额偏大，请核实" in tr
    assert "本月完成投资：120.00 → " in re.sub(r"<[^>]+>", "", tr) and "100.00" in tr
    assert "形象进度：主体施工 → " in re.sub(r"<[^>]+>", "", tr)


def test_the_head_approves_a_selection(world, client_for, returned):
    client = client_for("zezhou_head")
    b = returned["b"]
    # the returned one is resubmitted after a change, so two rows wait
    a = returned["a"]
    reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[row(world.zz_project, 121, version=a.version)],
        submit=True,
    )
    page = content(client.get(review_url(world)))
    assert page.count('name="report_ids"') == 2 and "通过所选" in page
    response = client.post(
        REVIEW,
        {
            "unit": world.zezhou.pk,
            "year": 2025,
            "month": 6,
            "action": "approve_selected",
            "report_ids": [b.pk],
        },
    )
    assert response.status_code == 302
    assert MonthlyReport.objects.get(pk=b.pk).status == ReportStatus.APPROVED
    assert MonthlyReport.objects.get(pk=a.pk).status == ReportStatus.SUBMITTED
    nothing = client.post(
        REVIEW, {"unit": world.zezhou.pk, "year": 2025, "month": 6, "action": "approve_selected"}, follow=True
    )
    assert "请先勾选要审核通过的项目" in content(nothing)
    assert MonthlyReport.objects.get(pk=a.pk).status == ReportStatus.SUBMITTED


def test_a_reviewer_who_entered_a_row_gets_no_tick_box_for_it(world, client):
    both = make_user("zezhou_both", world.zezhou, RoleCode.REPORTER, RoleCode.REVIEWER)
    reports_save(actor=both, year=2025, month=6, rows=[row(world.zz_project, 70)], submit=True)
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_road, 30)], submit=True)
    client.force_login(both)
    page = content(client.get(review_url(world)))
    assert page.count('name="report_ids"') == 1 and page.count('name="all_ids"') == 1
    assert "本人填报，须由他人审核" in page and "全部通过（1 项）" in page
    own = MonthlyReport.objects.get(project=world.zz_project)
    response = client.post(
        REVIEW,
        {
            "unit": world.zezhou.pk,
            "year": 2025,
            "month": 6,
            "action": "approve_selected",
            "report_ids": [own.pk],
        },
        follow=True,
    )
    assert "双人复核" in content(response)
    assert MonthlyReport.objects.get(pk=own.pk).status == ReportStatus.SUBMITTED


def test_the_return_message_quotes_the_reason(world, client_for, returned):
    client = client_for("zezhou_head")
    response = client.post(
        REVIEW,
        {
            "unit": world.zezhou.pk,
            "year": 2025,
            "month": 6,
            "action": "return",
            "report_id": returned["b"].pk,
            "reason": "请补充现场照片",
        },
        follow=True,
    )
    assert "已退回“泽州县金村物流通道”，原因：请补充现场照片" in content(response)


def test_the_demo_stages_a_returned_and_reworked_row_for_the_review_page(world, client_for):
    import datetime as dt

    from demo.round import RETURN_REASON, stage_returned_and_reworked

    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(world.zz_project, 100)], submit=True)
    assert stage_returned_and_reworked(dt.date(2025, 7, 10)) == 1
    report = MonthlyReport.objects.get(project=world.zz_project, year=2025, month=6)
    assert report.status == ReportStatus.SUBMITTED and report.invested == 90
    page = content(client_for("zezhou_head").get(review_url(world)))
    assert f"曾退回：{RETURN_REASON}" in page and "退回后修改" in page
