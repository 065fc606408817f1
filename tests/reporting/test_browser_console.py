"""No JavaScript error on any page (issue 14): each page opened in Chromium logs no error, no
uncaught exception and no Content-Security-Policy refusal."""

from __future__ import annotations

import pytest

from .conftest import enter
from .test_browser import browser, cookies_without_expiry, login  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_logs_a_javascript_error(world, live_server, browser, cookies_without_expiry):  # noqa: F811
    report = enter(world, world.zz_project, 2025, 6, 120, approve=True)
    enter(world, world.zz_project, 2025, 5, 80, approve=True)
    project = world.zz_project.pk
    pages = {
        "office": [
            "/",
            "/projects/",
            f"/projects/{project}/",
            f"/projects/{project}/history/",
            f"/projects/{project}/edit/",
            "/projects/import/",
            "/reports/office/",
            f"/reports/{report.pk}/",
            "/reports/?year=2025&month=6",
            "/api/docs/",
            "/accounts/profile/",
            "/accounts/password/",
        ],
        "zezhou": ["/", "/reports/?year=2025&month=6", "/reports/import/?year=2025&month=6"],
        "zezhou_head": ["/reports/review/?year=2025&month=6"],
        "admin": ["/admin/", "/admin/accounts/user/"],
    }
    problems = {}
    for persona, urls in pages.items():
        page = login(browser, live_server, persona)
        for url in urls:
            found: list[str] = []
            on_console = lambda msg, found=found: found.append(msg.text) if msg.type == "error" else None  # noqa: E731
            on_error = lambda exc, found=found: found.append(f"uncaught: {exc}")  # noqa: E731
            page.on("console", on_console)
            page.on("pageerror", on_error)
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            page.remove_listener("console", on_console)
            page.remove_listener("pageerror", on_error)
            if found:
                problems[f"{persona} {url}"] = found
            if persona == "office" and url == f"/projects/{project}/":
                # The dossier's chart is drawn (from its static script) at its full height.
                box = page.locator("#report-chart canvas").first.bounding_box()
                assert box and box["height"] >= 300, box
        page.context.close()
    assert problems == {}
