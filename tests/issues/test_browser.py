"""The loop in a real browser (Playwright + Debian's Chromium): the office reports and assigns a
problem, zezhou signs for it and reports it solved, the office records an unsatisfied visit,
zezhou solves it again, and the office strikes it off after a satisfied visit. Screenshots of the
steps go to /tmp/ticket_*.png."""

from __future__ import annotations

import pytest

from issues.choices import State
from issues.models import Ticket
from tests.reporting.test_browser import login

pytestmark = pytest.mark.browser


def act(page, action, fields=None, selects=None):
    form = page.locator(f"form[data-action={action}]")
    for name, value in (fields or {}).items():
        form.locator(f"[name='{action}-{name}']").fill(value)
    for name, value in (selects or {}).items():
        form.locator(f"select[name='{action}-{name}']").select_option(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() == 0, page.locator(".alert-danger").all_inner_texts()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_office_assigns_zezhou_solves_twice_and_the_office_strikes_it_off(
    world,
    live_server,
    browser,
    cookies_without_expiry,
):
    office = login(browser, live_server, "office")
    office.goto(f"{live_server.url}/projects/{world.zz_project.pk}/")
    office.click("#tickets a:has-text('反映问题')")
    office.fill("input[name=title]", "施工用电未接入")
    office.fill("textarea[name=description]", "变电站至工地的线路未架设，影响主体施工。")
    office.select_option("select[name=category]", "utilities")
    office.click("form button[type=submit]:has-text('登记')")
    office.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert office.url.endswith(f"/tickets/{ticket.pk}/")
    act(office, "assign", fields={"note": "请三日内反馈"}, selects={"lead_unit": str(world.zezhou.pk)})
    office.screenshot(path="/tmp/ticket_1_assigned.png", full_page=True)
    assert Ticket.objects.get().state == State.ASSIGNED

    zezhou = login(browser, live_server, "zezhou")
    zezhou.goto(f"{live_server.url}/tickets/mine/?open=1")
    zezhou.click(f"a:has-text('{ticket.number}')")
    assert zezhou.locator("form[data-action=assign]").count() == 0  # only my role's actions
    act(zezhou, "sign", fields={"note": "已安排专人对接供电公司"})
    act(zezhou, "report_solved", fields={"note": "临时用电已接通"})
    zezhou.screenshot(path="/tmp/ticket_2_solved.png", full_page=True)
    assert Ticket.objects.get().state == State.PENDING_VISIT

    office.reload()
    act(
        office, "visit", fields={"words": "只接了临时电，永久用电仍未解决"}, selects={"answer": "unsatisfied"}
    )
    assert Ticket.objects.get().state == State.HANDLING and Ticket.objects.get().send_backs == 1

    zezhou.reload()
    act(zezhou, "report_solved", fields={"note": "永久用电线路已架设并送电"})
    office.reload()
    act(office, "visit", fields={"words": "满意"}, selects={"answer": "satisfied"})
    act(office, "close", selects={"grade": "excellent"})
    office.screenshot(path="/tmp/ticket_3_closed.png", full_page=True)
    ticket = Ticket.objects.get()
    assert (ticket.state, ticket.grade, ticket.send_backs) == (State.CLOSED, "excellent", 1)
    timeline = office.locator("[data-timeline] [data-event]").evaluate_all(
        "els => els.map(e => e.dataset.event)"
    )
    assert timeline == [
        "create",
        "assign",
        "sign",
        "report_solved",
        "visit",
        "report_solved",
        "visit",
        "close",
    ]
    assert "已销号" in office.locator("[data-state]").inner_text()
