"""The API answers as the pages do: same filters, same scope, the same actions per role."""

import datetime as dt

import pytest

from issues import services
from issues.models import Meeting

pytestmark = pytest.mark.django_db
D = dt.date


def test_list_filters_and_scope_match_the_page(world, assigned, client_for):
    mine = assigned(day=D(2026, 11, 23))
    other = assigned(day=D(2026, 11, 23), project=world.gp_project, lead_unit=world.gaoping)
    office = client_for("office").get("/api/v1/tickets/", {"unit": world.gaoping.pk}).json()
    assert [t["number"] for t in office["results"]] == [other.number]
    zezhou = client_for("zezhou").get("/api/v1/tickets/").json()
    assert [t["number"] for t in zezhou["results"]] == [mine.number]
    assert client_for("zezhou").get(f"/api/v1/tickets/{other.pk}/").status_code == 404


def test_the_loop_through_the_api(world, assigned, client_for):
    t = assigned(day=D(2026, 11, 23))
    zezhou, office = client_for("zezhou"), None
    answer = zezhou.post(f"/api/v1/tickets/{t.pk}/sign/", {"note": "已部署"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["state"] == "handling"
    assert "report_solved" in answer.json()["actions"]
    refused = zezhou.post(
        f"/api/v1/tickets/{t.pk}/close/", {"grade": "good"}, content_type="application/json"
    )
    assert refused.status_code == 403
    zezhou.post(f"/api/v1/tickets/{t.pk}/report_solved/", {"note": "已接电"}, content_type="application/json")
    office = client_for("office")
    early = office.post(f"/api/v1/tickets/{t.pk}/close/", {"grade": "good"}, content_type="application/json")
    assert early.status_code == 409 and "满意后方可销号" in early.json()["detail"]
    office.post(
        f"/api/v1/tickets/{t.pk}/visit/",
        {"answer": "satisfied", "words": "满意"},
        content_type="application/json",
    )
    done = office.post(f"/api/v1/tickets/{t.pk}/close/", {"grade": "good"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "closed"
    assert [e["action"] for e in done.json()["events"]][-3:] == ["report_solved", "visit", "close"]


def test_stats_endpoint_matches_the_page(world, assigned, client_for):
    assigned(day=D(2026, 11, 23))
    api = client_for("office").get("/api/v1/tickets/stats/").json()
    page = client_for("office").get("/tickets/stats/").context["stats"]
    assert api["total"]["open"] == page.total.open == 1


def test_decisions_and_meetings_in_scope_and_owner_reports_progress(world, client_for):
    office = world["office"]
    meeting = services.meeting_save(
        actor=office, meeting=Meeting(level="vice_mayor", title="分管副市长调度会", date=D(2026, 11, 20))
    )
    decision = services.decision_create(
        actor=office,
        meeting=meeting,
        title="完成路网规划调整",
        lead_unit=world.jtj,
        deadline=D(2026, 12, 20),
        today=D(2026, 11, 20),
    )
    jtj = client_for("jtj")
    assert [d["number"] for d in jtj.get("/api/v1/decisions/").json()["results"]] == [decision.number]
    assert [m["title"] for m in jtj.get("/api/v1/meetings/").json()["results"]] == ["分管副市长调度会"]
    answer = jtj.post(
        f"/api/v1/decisions/{decision.pk}/progress/", {"note": "已完成初稿"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["state"] == "handling"
    assert client_for("zezhou").get("/api/v1/decisions/").json()["count"] == 0
    assert client_for("zezhou").get("/api/v1/meetings/").json()["count"] == 0
    assert (
        client_for("zezhou")
        .post(f"/api/v1/decisions/{decision.pk}/progress/", {"note": "x"}, content_type="application/json")
        .status_code
        == 404
    )
