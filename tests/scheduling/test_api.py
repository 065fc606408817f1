"""`/api/v1/notifications/` (one's own; mark read) and `/api/v1/workdays/` (read)."""

import pytest

from scheduling import services
from scheduling.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def inboxes(world):
    for i in range(3):
        services.notify(recipients=[world["zezhou"]], kind="report_due", key=f"k{i}", title=f"提醒{i}")
    services.notify(recipients=[world["gaoping"]], kind="report_due", key="k0", title="高平提醒")
    return world


def test_a_user_lists_only_their_own_notifications(inboxes, client_for):
    body = client_for("zezhou").get("/api/v1/notifications/").json()
    assert body["count"] == 3
    assert {r["title"] for r in body["results"]} == {"提醒0", "提醒1", "提醒2"}
    assert body["results"][0]["kind_label"] == "月报截止提醒" and body["results"][0]["is_read"] is False


def test_anothers_notification_is_not_found_and_cannot_be_marked(inboxes, client_for):
    theirs = Notification.objects.get(recipient=inboxes["gaoping"])
    client = client_for("zezhou")
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_unread_count_and_filter(inboxes, client_for):
    client = client_for("zezhou")
    one = Notification.objects.filter(recipient=inboxes["zezhou"]).first()
    body = client.post(f"/api/v1/notifications/{one.pk}/read/").json()
    assert body["is_read"] is True and body["read_at"]
    assert client.get("/api/v1/notifications/unread/").json() == {"unread": 2}
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 2
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/unread/").json() == {"unread": 0}


def test_the_list_costs_the_same_for_many(inboxes, client_for, django_assert_max_num_queries):
    for i in range(40):
        services.notify(recipients=[inboxes["zezhou"]], kind="report_missing", key=f"m{i}", title="缺报")
    client = client_for("zezhou")
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/notifications/").status_code == 200


def test_workdays_by_year_and_one_day(world, client_for):
    client = client_for("gaoping")
    body = client.get("/api/v1/workdays/", {"year": 2026, "page_size": 100}).json()
    days = {r["date"]: r for r in body["results"]}
    assert days["2026-02-17"] == {"date": "2026-02-17", "is_working_day": False, "name": "春节"}
    assert days["2026-02-14"]["is_working_day"] is True
    assert client.get("/api/v1/workdays/2026-10-01/").json()["name"] == "国庆节"
    assert client.get("/api/v1/workdays/2026-11-26/").status_code == 404
