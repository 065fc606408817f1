"""The city dashboard in a real browser (Playwright + Debian's Chromium): the leader opens it, its
charts draw, and a figure leads to the projects behind it. Screenshots go to /tmp/dashboard_*.png."""

from __future__ import annotations

import pytest

from tests.reporting import test_browser as shared

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium():
    yield from shared.browser.__wrapped__()


@pytest.fixture
def frozen_cookies(settings):
    shared.cookies_without_expiry.__wrapped__(settings)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_leader_opens_the_city_dashboard_and_follows_a_figure_to_its_projects(
    october, live_server, chromium, frozen_cookies
):
    page = shared.login(chromium, live_server, "leader")
    page.goto(f"{live_server.url}/dashboards/city/?year=2025&month=10")
    assert page.locator("h1").inner_text().startswith("全市项目建设看板")
    page.wait_for_selector("#chart-series canvas")
    page.wait_for_selector("#chart-areas canvas")
    assert page.locator('[data-figure="completion_rate"]').first.inner_text() == "45.7%"
    page.screenshot(path="/tmp/dashboard_city.png", full_page=True)
    page.locator('a[data-figure="started"]').first.click()
    page.wait_for_load_state()
    assert "/dashboards/projects/" in page.url
    assert page.locator("#drill-count").inner_text() == "1"
    assert "泽州县新开工光伏项目" in page.locator("#drill-table").inner_text()
    page.screenshot(path="/tmp/dashboard_drill.png", full_page=True)
    # and on to the project's dossier
    page.locator("#drill-table a", has_text="泽州县新开工光伏项目").click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().startswith("泽州县新开工光伏项目")
