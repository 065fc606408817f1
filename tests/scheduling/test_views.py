"""The inbox, preferences, the office's schedule overview and the calendar, used as people use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import AuditLog
from scheduling import services
from scheduling.models import ChannelPreference, Notification, Schedule, ScheduleRun, Workday

pytestmark = pytest.mark.django_db


def notes(world, name, n, kind="report_due"):
    for i in range(n):
        services.notify(
            recipients=[world[name]],
            kind=kind,
            key=f"2026-{i:03d}",
            title=f"提醒{i}",
            body="正文",
            url="/reports/",
        )


def test_the_bell_shows_the_unread_count_on_every_page(world, client_for):
    notes(world, "zezhou", 3)
    page = client_for("zezhou").get("/projects/")
    assert "data-unread>3</span>" in page.content.decode()
    page = client_for("gaoping").get("/projects/")
    assert "data-unread" not in page.content.decode()


def test_the_inbox_lists_ones_own_newest_first_and_filters(world, client_for):
    notes(world, "zezhou", 3)
    notes(world, "zezhou", 1, kind="report_missing")
    notes(world, "gaoping", 1)
    client = client_for("zezhou")
    page = client.get("/notifications/")
    assert [n.title for n in page.context["notifications"]] == ["提醒0", "提醒2", "提醒1", "提醒0"]
    assert {n.recipient_id for n in page.context["notifications"]} == {world["zezhou"].pk}
    page = client.get("/notifications/", {"kind": "report_missing"})
    assert [n.kind for n in page.context["notifications"]] == ["report_missing"]
    Notification.objects.filter(title="提醒1").update(read_at=timezone.now())
    page = client.get("/notifications/", {"status": "unread"})
    assert len(page.context["notifications"]) == 3
    page = client.get("/notifications/", {"status": "read"})
    assert [n.title for n in page.context["notifications"]] == ["提醒1"]


def test_an_empty_inbox_says_so(world, client_for):
    page = client_for("zezhou").get("/notifications/")
    assert "暂无消息" in page.content.decode()
    page = client_for("zezhou").get("/notifications/", {"status": "unread"})
    assert "没有符合条件的消息" in page.content.decode()


def test_the_inbox_is_paginated_in_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    notes(world, "zezhou", 45)
    client = client_for("zezhou")
    client.get("/notifications/")
    with django_assert_max_num_queries(9):
        page = client.get("/notifications/", {"page": 2})
    assert len(page.context["notifications"]) == 20 and page.context["page_obj"].paginator.count == 45


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(world, client_for):
    notes(world, "zezhou", 1)
    n = Notification.objects.get()
    response = client_for("zezhou").get(f"/notifications/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == "/reports/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_notification_pointing_off_site_is_not_followed(world, client_for):
    services.notify(
        recipients=[world["zezhou"]], kind="k", key="1", title="t", url="https://evil.example.com/"
    )
    n = Notification.objects.get()
    response = client_for("zezhou").get(f"/notifications/{n.pk}/")
    assert response["Location"] == "/notifications/"


def test_mark_read_and_all_read(world, client_for):
    notes(world, "zezhou", 3)
    notes(world, "gaoping", 2)
    client = client_for("zezhou")
    first = Notification.objects.filter(recipient=world["zezhou"]).first()
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302
    assert Notification.objects.filter(recipient=world["zezhou"], read_at__isnull=True).count() == 2
    response = client.post("/notifications/read-all/", follow=True)
    assert "已将 2 条通知标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=world["zezhou"], read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world["gaoping"], read_at__isnull=True).count() == 2


def test_preferences_are_saved_and_audited(world, client_for):
    client = client_for("zezhou")
    response = client.post("/notifications/preferences/", {"muted_kinds": ["report_due"]})
    assert response.status_code == 302
    pref = ChannelPreference.objects.get(user=world["zezhou"])
    assert pref.email is False and pref.muted_kinds == ["report_due"]
    assert AuditLog.objects.filter(actor=world["zezhou"], object_repr__contains="通知偏好").exists()
    assert "尚未填写电子邮箱" in client.get("/notifications/preferences/").content.decode()


def test_the_schedule_overview_shows_when_each_fires_and_what_it_sent(
    world, client_for, django_assert_max_num_queries
):
    schedule = Schedule.objects.get(code="report_due")
    ScheduleRun.objects.create(
        schedule=schedule,
        key="2026-10",
        nominal_date=dt.date(2026, 11, 5),
        fire_at=timezone.now(),
        as_of=timezone.now(),
        status="done",
        sent=7,
        summary="7个单位",
    )
    client = client_for("office")
    client.get("/dispatch/")
    with django_assert_max_num_queries(12):
        page = client.get("/dispatch/")
    body = page.content.decode()
    assert "月度进展报送提醒" in body and "每月月报截止日前2个工作日 09:00" in body and "7个单位" in body
    assert "立即执行</button>" in body
    assert "立即执行" not in client_for("leader").get("/dispatch/").content.decode()


def test_the_office_runs_a_schedule_now(world, client_for, django_capture_on_commit_callbacks):
    schedule = Schedule.objects.get(code="report_due")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("office").post(f"/dispatch/{schedule.pk}/run/", follow=True)
    assert "已开始执行“月度进展报送提醒”" in response.content.decode()
    run = ScheduleRun.objects.get()
    assert run.trigger == "manual" and run.requested_by == world["office"]
    assert AuditLog.objects.filter(action="dispatch", actor=world["office"]).exists()


def test_the_admin_edits_a_schedule_and_bad_input_is_refused_in_chinese(world, client_for):
    schedule = Schedule.objects.get(code="horse_race")
    client = client_for("admin")
    page = client.get(f"/dispatch/{schedule.pk}/edit/")
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "also_notify"}
    data["time"] = "10:30"
    data["months"] = "13,2"
    page = client.post(f"/dispatch/{schedule.pk}/edit/", data)
    assert "月份须为 1–12 的数字" in page.content.decode()
    data["months"] = "2，4、6"
    data["is_enabled"] = "on"
    data["also_notify"] = [world["leader"].pk]
    response = client.post(f"/dispatch/{schedule.pk}/edit/", data)
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.months == "2,4,6" and schedule.time == dt.time(10, 30)
    assert list(schedule.also_notify.all()) == [world["leader"]]
    log = AuditLog.objects.get(action="update", object_repr="双月赛马")
    assert log.changes["months"] == ["2,4,6,8,10,12", "2,4,6"] and "also_notify" in log.changes


def test_the_calendar_page_and_the_admins_edits(world, client_for):
    page = client_for("zezhou").get("/dispatch/calendar/", {"year": 2026})
    body = page.content.decode()
    assert "春节" in body and "调休上班" in body and "录入或修改一天" not in body
    page = client_for("zezhou").get("/dispatch/calendar/", {"year": 2031})
    assert "2031年的放假安排尚未录入" in page.content.decode()
    admin = client_for("admin")
    response = admin.post(
        "/dispatch/calendar/days/", {"date": "2026-12-14", "is_working_day": "0", "name": "临时放假"}
    )
    assert response.status_code == 302 and Workday.objects.get(date="2026-12-14").name == "临时放假"
    response = admin.post(
        "/dispatch/calendar/days/", {"date": "2026-02-30", "is_working_day": "0"}, follow=True
    )
    assert "日期" in response.content.decode() and "有效" in response.content.decode()
    admin.post("/dispatch/calendar/days/2026-12-14/delete/")
    assert not Workday.objects.filter(date="2026-12-14").exists()
    Workday.objects.filter(date__year=2026).delete()
    response = admin.post("/dispatch/calendar/import/", {"year": "2026"}, follow=True)
    assert "已导入2026年放假安排" in response.content.decode()
