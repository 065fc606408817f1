"""The grid as a clerk uses it in a real browser (Playwright + Debian's Chromium): paste a block
from Excel, Tab from row to row, filter and sort, the question before unsaved input is lost, and
what stays in view at 1366×768. Screenshots go to /tmp/grid_*.png."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from reporting.services import report_return, reports_save
from tests.factories import PASSWORD, AnnualPlanFactory, ProjectFactory

from .conftest import row
from .test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def small_screen_login(browser, live_server, username):
    page = login(browser, live_server, username)
    page.set_viewport_size({"width": 1366, "height": 768})
    return page


def login_without_answers(browser, live_server, username):
    """Like `login`, but every question the page asks is left to the test to answer."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1500, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.fixture
def unit(world):
    """泽州县 with five projects in June 2025: the world's two and three more, all without a report."""
    extra = []
    for i in range(3):
        p = ProjectFactory(name=f"泽州县粘贴测试项目{i + 1}", county=world.zezhou)
        AnnualPlanFactory(project=p, year=2025)
        extra.append(p)
    return [world.zz_project, world.zz_road, *extra]


def test_paste_a_block_from_excel_fills_right_and_down_and_saves(
    world, live_server, browser, cookies_without_expiry, unit
):
    page = login(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/?year=2025&month=6")
    first = unit[0]
    # Two rows × three columns as Excel/WPS copies them: tabs between cells, CRLF after each row,
    # a thousands separator and full-width digits in the amounts.
    block = "1,200.50\t主体结构施工\t35\r\n３００\t路基填筑\t12.5\r\n"
    page.evaluate(
        """([name, text]) => {
            const el = document.querySelector(`input[name="${name}"]`);
            el.focus();
            const data = new DataTransfer();
            data.setData("text/plain", text);
            el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [f"r-{first.pk}-invested", block],
    )
    rows = [page.locator(f'tr[data-pid="{p.pk}"]') for p in unit]
    assert page.locator(f'input[name="r-{first.pk}-invested"]').input_value() == "1,200.50"
    assert page.locator(f'input[name="r-{first.pk}-image_progress"]').input_value() == "主体结构施工"
    assert page.locator(f'input[name="r-{first.pk}-percent_complete"]').input_value() == "35"
    assert page.locator(f'input[name="r-{unit[1].pk}-invested"]').input_value() == "３００"
    assert page.locator(f'input[name="r-{unit[1].pk}-image_progress"]').input_value() == "路基填筑"
    assert page.locator(f'input[name="r-{unit[2].pk}-invested"]').input_value() == ""  # block ends
    assert "is-invalid" not in (
        page.locator(f'input[name="r-{unit[1].pk}-invested"]').get_attribute("class") or ""
    )
    assert rows[0].locator(".ytd").inner_text() == "1,200.50"
    assert page.locator("#total-invested").inner_text() == "1,500.50"
    assert "已粘贴 6 个单元格" in page.locator("#grid-shown").inner_text()
    page.screenshot(path="/tmp/grid_pasted.png")

    page.click("#btn-save")
    page.wait_for_load_state()
    assert "已保存草稿（2 个项目）" in page.content()
    saved = {r.project_id: r for r in MonthlyReport.objects.all()}
    assert saved[first.pk].invested == Decimal("1200.50")
    assert saved[first.pk].percent_complete == Decimal("35")
    assert saved[unit[1].pk].invested == Decimal("300.00")
    assert saved[unit[1].pk].image_progress == "路基填筑"


def test_tab_from_a_rows_last_input_goes_to_the_next_rows_first_input(
    world, live_server, browser, cookies_without_expiry, unit
):
    page = login(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/?year=2025&month=6")
    page.locator(f'input[name="r-{unit[0].pk}-problems"]').click()  # the row's last visible input
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"r-{unit[1].pk}-invested"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == f"r-{unit[0].pk}-problems"


def test_unsaved_input_asks_before_leaving_by_link_or_month(
    world, live_server, browser, cookies_without_expiry, unit
):
    page = login_without_answers(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/?year=2025&month=6")
    questions = []
    answer = {"accept": False}

    def on_dialog(dialog):
        questions.append((dialog.type, dialog.message))
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    url = page.url
    page.locator(f'input[name="r-{unit[0].pk}-invested"]').fill("0")
    # A link: asked, and staying keeps the input.
    page.locator("nav a", has_text="项目库").first.click()
    page.wait_for_timeout(300)
    assert page.url == url
    assert any("未保存的修改" in m for _, m in questions)
    assert page.locator(f'input[name="r-{unit[0].pk}-invested"]').input_value() == "0"
    # Another month: asked, staying keeps the month selected.
    n = len(questions)
    page.select_option("#pick-period", "2025-5")
    page.wait_for_timeout(300)
    assert len(questions) == n + 1 and page.url == url
    assert page.locator("#pick-period").input_value() == "2025-6"
    # Saving never asks.
    n = len(questions)
    page.click("#btn-save")
    page.wait_for_load_state()
    assert "已保存草稿" in page.content() and len(questions) == n
    # After saving, leaving is free; accepting the question leaves.
    page.locator(f'input[name="r-{unit[1].pk}-invested"]').fill("5")
    answer["accept"] = True
    page.locator("nav a", has_text="项目库").first.click()
    page.wait_for_url("**/projects/**")


def test_filter_and_sort_keep_the_counts_in_view(world, live_server, browser, cookies_without_expiry, unit):
    reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(unit[0], 10), row(unit[1], 500)])
    page = login(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/?year=2025&month=6")
    visible = page.locator("#report-grid tbody tr:visible")
    assert visible.count() == 5
    page.click('[data-filter="none"]')
    assert visible.count() == 3
    assert "显示 3 / 5 项" in page.locator("#grid-shown").inner_text()
    assert "草稿" in page.locator("#grid-filter").inner_text()  # the buttons with their counts stay
    page.click('[data-filter="draft"]')
    assert visible.count() == 2
    page.select_option("#grid-sort", "amount")
    name_links = "#report-grid tbody tr:visible .name-line > a:not(.status-chip)"
    assert page.locator(name_links).all_inner_texts() == [unit[1].name, unit[0].name]
    page.click('[data-filter="all"]')
    page.select_option("#grid-sort", "name")
    names = page.locator(name_links).all_inner_texts()
    assert len(names) == 5
    assert names == page.evaluate("n => n.slice().sort((a, b) => a.localeCompare(b, 'zh-CN'))", names)
    page.select_option("#grid-sort", "")
    assert page.locator(name_links).all_inner_texts()[:2] == [unit[0].name, unit[1].name]


def test_at_1366_by_768_status_rate_and_return_reason_are_in_view(
    world, live_server, browser, cookies_without_expiry, unit
):
    (a,) = reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(unit[0], 1234.5)], submit=True)
    report_return(actor=world["zezhou_head"], report=a, reason="请补充现场照片")
    page = small_screen_login(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/?year=2025&month=6")
    page.screenshot(path="/tmp/grid_1366.png")
    tr = page.locator(f'tr[data-pid="{unit[0].pk}"]')
    width = page.viewport_size["width"]
    for selector in (".status-chip", ".rate", ".return-reason"):
        box = tr.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    assert "已退回" in tr.locator(".status-chip").inner_text()
    assert "请补充现场照片" in tr.locator(".return-reason").inner_text()
    # thousands separators, as on the review page, in the figures and the saved amount alike
    assert tr.locator(".ytd").inner_text() == "1,234.50"
    assert tr.locator('input[data-col="invested"]').input_value() == "1,234.50"
    # Scrolled sideways, the name column (with the chip and reason) stays put.
    page.evaluate("document.querySelector('.report-grid-wrap').scrollLeft = 400")
    box = tr.locator(".col-name").bounding_box()
    assert box["x"] < 40


def test_submit_all_confirmation_counts_unfilled_rows_and_keeps_returned_ones(
    world, live_server, browser, cookies_without_expiry, unit
):
    (a,) = reports_save(actor=world["zezhou"], year=2025, month=6, rows=[row(unit[0], 20)], submit=True)
    report_return(actor=world["zezhou_head"], report=a, reason="请核实金额")
    page = login_without_answers(browser, live_server, "zezhou")
    page.goto(f"{live_server.url}/reports/?year=2025&month=6")
    messages = []
    page.on("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    page.locator(f'input[name="r-{unit[1].pk}-invested"]').fill("0")
    page.click("#btn-submit")
    page.wait_for_timeout(300)
    question = [m for m in messages if "确认提交" in m][-1]
    assert "还有 3 个项目未填报" in question
    assert "1 个已退回的项目自退回后未修改，将不会提交" in question
    assert MonthlyReport.objects.get(pk=a.pk).status == ReportStatus.RETURNED
