"""The monthly round in a real browser (Playwright + Debian's Chromium).

zezhou logs in through the form, fills three rows of the June grid from the keyboard, saves,
submits; zezhou_head approves; the project's dossier shows the new figures. Screenshots of
each step go to /tmp/report_*.png.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from tests.factories import PASSWORD, AnnualPlanFactory, ProjectFactory

from . import conftest as _shared

pytestmark = pytest.mark.browser

# The browser fixtures live in this package's conftest; other test modules reach for them here.
browser = _shared.browser
cookies_without_expiry = _shared.cookies_without_expiry
CHROMIUM, ARGS = _shared.CHROMIUM, _shared.ARGS


def login(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1500, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # 全部提交 / 全部通过 ask for confirmation
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.content()[:2000]
    return page


# serialized_rollback: the flush after this test must not recreate content types under other ids,
# or later serialized-rollback tests fail to restore theirs.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fill_save_submit_approve_and_see_it_on_the_dossier(
    world, live_server, browser, cookies_without_expiry
):
    third = ProjectFactory(name="泽州县第三个在建项目", county=world.zezhou)
    AnnualPlanFactory(project=third, year=2025)
    projects = [world.zz_project, world.zz_road, third]

    page = login(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("h1").inner_text().startswith("月度填报")
    assert "2025年6月" in page.locator("h1").inner_text()

    # Row 1 from the keyboard: amount, Tab to 形象进度, Tab to 完成比例.
    first = page.locator(f'input[name="r-{projects[0].pk}-invested"]')
    first.click()
    page.keyboard.type("120.5")
    page.keyboard.press("Tab")
    page.keyboard.type("主体结构施工")
    page.keyboard.press("Tab")
    page.keyboard.type("35")
    # Back to the first amount, then Enter moves down the same column.
    first.click()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == f"r-{projects[1].pk}-invested"
    page.keyboard.type("80")
    page.keyboard.press("Tab")
    page.keyboard.type("路基填筑")
    page.locator(f'input[name="r-{projects[1].pk}-invested"]').click()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == f"r-{projects[2].pk}-invested"
    page.keyboard.type("-1")
    # inline check before any round trip
    assert "不能为负数" in page.locator(f'tr[data-pid="{projects[2].pk}"]').inner_text()
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("50")
    row3 = page.locator(f'tr[data-pid="{projects[2].pk}"]')
    assert "本月有完成投资时须填写形象进度" in row3.inner_text()
    page.locator(f'input[name="r-{projects[2].pk}-image_progress"]').fill("设备安装")
    # running totals in the footer, computed live
    assert page.locator("#total-invested").inner_text() == "250.50"
    assert page.locator(f'tr[data-pid="{projects[0].pk}"] .ytd').inner_text() == "120.50"
    page.screenshot(path="/tmp/report_grid_filled.png", full_page=True)

    page.click("#btn-save")
    page.wait_for_load_state()
    assert "已保存草稿（3 个项目）" in page.content()
    assert MonthlyReport.objects.filter(status=ReportStatus.DRAFT).count() == 3

    page.click("#btn-submit")
    page.wait_for_load_state()
    assert "已提交 3 个项目" in page.content()
    page.screenshot(path="/tmp/report_grid_submitted.png", full_page=True)

    head = login(browser, live_server, "zezhou_head")
    head.goto(f"{live_server.url}/reports/review/")
    assert head.locator("#review-table tbody tr").count() == 3
    head.screenshot(path="/tmp/report_review.png", full_page=True)
    head.click("#btn-approve-all")
    head.wait_for_load_state()
    assert "已审核通过 3 个项目" in head.content()
    assert MonthlyReport.objects.filter(status=ReportStatus.APPROVED).count() == 3

    head.goto(f"{live_server.url}/projects/{projects[0].pk}/")
    card = head.locator("#reports")
    card.scroll_into_view_if_needed()
    assert head.locator("#dossier-ytd").inner_text() == "120.50"
    table = head.locator("#dossier-reports-table").inner_text()
    assert "2025年6月" in table and "120.50" in table and "已审核" in table
    head.wait_for_function("document.querySelector('#report-chart canvas') !== null")
    card.screenshot(path="/tmp/report_dossier.png")
    assert MonthlyReport.objects.get(project=projects[0]).invested == Decimal("120.50")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_grid_reads_and_rounds_amounts_as_the_server_does(
    world, live_server, browser, cookies_without_expiry
):
    """Typed amounts are read as the server reads them, and 完成率 rounds half up like
    reporting.measures: 18.07 / 556.00 is exactly 3.25% and shows 3.3%."""
    project = ProjectFactory(name="泽州县舍入检验项目", county=world.zezhou)
    AnnualPlanFactory(project=project, year=2025, planned_investment=Decimal("556.00"))
    page = login(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/")
    row = page.locator(f'tr[data-pid="{project.pk}"]')
    cell = row.locator(f'input[name="r-{project.pk}-invested"]')

    cell.fill("18.07")
    assert row.locator(".rate").inner_text() == "3.3%"
    assert row.locator(".ytd").inner_text() == "18.07"

    for typed, shown in [("1234万元", "1,234.00"), ("１２３４．５", "1,234.50"), ("1,234.50", "1,234.50")]:
        cell.fill(typed)
        assert "is-invalid" not in (cell.get_attribute("class") or ""), typed
        assert row.locator(".ytd").inner_text() == shown, typed

    # A refused amount is flagged and counts as nothing in the live figures.
    cell.fill("-5")
    assert "is-invalid" in cell.get_attribute("class")
    assert row.locator(".ytd").inner_text() == "0.00"
    cell.fill("12.345")
    assert "最多保留两位小数" in row.inner_text()
    assert row.locator(".ytd").inner_text() == "0.00"
