"""Each role's start page says what to do for the month being reported (June 2025, due 5 July;
the clock stands at 10 July): the clerk's rows 未填报 / 已退回 with the due date, the head's rows
waiting for review, the office's units to chase; the 导入台账 button only for those who may import."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.services import report_return, reports_save
from tests.factories import AnnualPlanFactory, ProjectFactory

from .conftest import row

pytestmark = pytest.mark.django_db


def home(client_for, persona) -> str:
    response = client_for(persona).get("/")
    assert response.status_code == 200
    return response.content.decode()


def text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}".*?</(li|span|ul|div)>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


@pytest.fixture
def month(world):
    """June: 巴公 submitted then returned, 金村 submitted, a third project without a report."""
    third = ProjectFactory(name="泽州县第三个在建项目", county=world.zezhou)
    AnnualPlanFactory(project=third, year=2025)
    a, _ = reports_save(
        actor=world["zezhou"],
        year=2025,
        month=6,
        rows=[row(world.zz_project, 10), row(world.zz_road, 5)],
        submit=True,
    )
    report_return(actor=world["zezhou_head"], report=a, reason="请补充现场照片")
    return third


def test_the_clerk_sees_rows_to_fill_and_rework_with_the_due_date(world, client_for, month):
    page = home(client_for, "zezhou")
    assert "2025年6月月度进展" in page
    assert "7月5日截止，已逾期 5 天" in text(page, "home-due")
    entry = text(page, "home-entry")
    assert "泽州县本月应报 3 项" in entry and "未填报 1 项" in entry and "已退回 1 项" in entry
    assert "泽州县巴公智能装备产业园：请补充现场照片" in text(page, "home-returned")
    assert "status=returned" in page  # 去填报 opens the grid on the returned rows


def test_before_the_due_day_the_clerk_sees_the_days_left(world, client_for, month):
    with time_machine.travel("2025-07-02 09:00 +0800", tick=False):
        page = home(client_for, "zezhou")
    assert "7月5日截止，还有 3 天" in text(page, "home-due")


def test_the_head_sees_rows_waiting_for_review(world, client_for, month):
    page = home(client_for, "zezhou_head")
    assert "待审核 1 项：2025年6月 1 项" in text(page, "home-review")
    assert "home-entry" not in page


def test_the_office_sees_the_units_to_chase(world, client_for, month):
    page = home(client_for, "office")
    office = text(page, "home-office")
    assert "已过截止日" in office and "逾期或缺报" in office
    assert "泽州县 · 逾期" in page


def test_the_import_button_only_for_those_who_may_import(world, client_for, month):
    for persona, shown in [
        ("zezhou", True),
        ("office", True),
        ("zezhou_head", False),
        ("stats", False),
        ("leader", False),
    ]:
        page = home(client_for, persona)
        assert ("台账导入" in page) is shown, persona


def test_stats_and_leader_get_no_todo_list(world, client_for, month):
    assert "home-tasks" not in home(client_for, "leader")
    assert "home-tasks" not in home(client_for, "stats")


def test_the_start_page_queries_do_not_grow_with_rows(world, client_for, month):
    client = client_for("zezhou_head")
    client.get("/")  # warm the caches a long-running process has

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    extra = []
    for _ in range(15):
        p = ProjectFactory(county=world.zezhou)
        AnnualPlanFactory(project=p, year=2025)
        extra.append(p)
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(p, 1) for p in extra], submit=True)
    assert count() == few
    assert "待审核 16 项" in text(client.get("/").content.decode(), "home-review")


def test_the_todo_list_follows_english(world, client_for, month):
    from django.conf import settings

    def english_home(persona):
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client.get("/").content.decode()

    page = english_home("zezhou")
    assert "To do · monthly reports for 6/2025" in page
    assert text(page, "home-due").strip().endswith(", 5 days overdue")
    entry = text(page, "home-entry")
    assert "泽州县 owes 3 reports this month" in entry and "1 not entered" in entry and "1 returned" in entry
    assert "Enter reports" in page and "本月应报" not in page and "未填报 1 项" not in page
    review = text(english_home("zezhou_head"), "home-review")
    assert "1 awaiting review" in review and "1 for 6/2025" in review and "待审核" not in review
    office_page = english_home("office")
    office = text(office_page, "home-office")
    assert "Past the due date" in office and "units late or missing" in office and "reporting units" in office
    figures = re.search(r'id="home-figures".*?</div>', office_page, re.S).group(0)
    assert "City, 2025: " in figures and "全市" not in figures and "Approved" in figures
