"""The sweep: whatever is due at that moment, claimed once per (schedule, period key) and once per
(recipient, kind, key); a missed slot caught up within the window; a failed run retried."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task
from django.db import connection

from scheduling import services
from scheduling.choices import RunStatus, RunTrigger
from scheduling.jobs import run_job
from scheduling.models import Notification, Schedule, ScheduleRun

from .conftest import at

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FLAKY = {"calls": 0}


def _flaky(ctx):
    FLAKY["calls"] += 1
    if FLAKY["calls"] == 1:
        raise RuntimeError("数据库一时不可用")
    ctx.notify(ctx.office_ids(), title="补发成功", body="")


@shared_task(name="tests.flaky_job")
def flaky_job(run_id):
    return run_job(run_id, _flaky)


def inbox(world, name):
    return list(
        Notification.objects.filter(recipient=world[name]).order_by("kind").values_list("kind", "key")
    )


def only(*codes):
    Schedule.objects.exclude(code__in=codes).update(is_enabled=False)


def test_a_sweep_run_twice_sends_each_reminder_once(world, dispatch):
    only("report_due")
    first = dispatch("2026-12-03 09:05")
    assert [(r.schedule.code, r.key, r.trigger) for r in first.started] == [
        ("report_due", "2026-11", RunTrigger.SCHEDULE)
    ]
    assert inbox(world, "zezhou") == [("report_due", "2026-11")]
    assert inbox(world, "gaoping") == [("report_due", "2026-11")]
    again = dispatch("2026-12-03 09:10")
    assert again.started == [] and again.retried == []
    assert Notification.objects.count() == 2
    assert ScheduleRun.objects.get().status == RunStatus.DONE


def test_a_missed_slot_is_caught_up_on_the_next_sweep_within_the_window(world, dispatch):
    only("report_due")
    # Beat was down on Thursday 3 December; the next sweep runs Friday afternoon.
    result = dispatch("2026-12-04 15:00")
    [run] = result.started
    assert run.trigger == RunTrigger.CATCH_UP and run.key == "2026-11"
    notification = Notification.objects.get(recipient=world["zezhou"])
    assert "含今天还有1个工作日" in notification.body  # counted from the day it actually went out
    assert dispatch("2026-12-04 15:05").started == []


def test_a_slot_older_than_the_window_is_not_sent(world, dispatch, settings):
    settings.DISPATCH_CATCH_UP_HOURS = 24
    only("report_due")
    assert dispatch("2026-12-04 10:00").started == []
    assert not Notification.objects.exists()


def test_a_reminder_caught_up_after_its_due_day_says_nothing(world, dispatch):
    only("report_due")
    [run] = dispatch("2026-12-06 08:00").started  # Sunday, within 72 h of Thursday's slot, past the due day
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.sent == 0
    assert "不再发送报送提醒" in run.summary


def test_a_failed_run_is_retried_by_the_next_sweep_and_sends_once(world, dispatch):
    FLAKY["calls"] = 0
    only("report_due")
    Schedule.objects.filter(code="report_due").update(task_name="tests.flaky_job")
    dispatch("2026-12-03 09:05")
    run = ScheduleRun.objects.get()
    assert run.status == RunStatus.FAILED and "数据库一时不可用" in run.error
    result = dispatch("2026-12-03 09:10")
    assert [r.pk for r in result.retried] == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2
    assert inbox(world, "office") == [("report_due", "2026-11")]
    dispatch("2026-12-03 09:15")
    assert FLAKY["calls"] == 2


def test_a_schedule_whose_task_is_not_installed_records_why(world, dispatch):
    only("report_due")
    Schedule.objects.filter(code="report_due").update(task_name="nowhere.job")
    dispatch("2026-12-03 09:05")
    run = ScheduleRun.objects.get()
    assert run.status == RunStatus.FAILED and "nowhere.job 未注册" in run.error


def test_a_disabled_schedule_does_not_run(world, dispatch):
    Schedule.objects.update(is_enabled=False)
    assert dispatch("2026-12-03 09:05").started == []


def test_moving_a_schedules_time_does_not_send_the_period_again(world, dispatch):
    only("report_due")
    dispatch("2026-12-03 09:05")
    Schedule.objects.filter(code="report_due").update(time="15:00")
    assert dispatch("2026-12-03 15:05").started == []
    assert Notification.objects.filter(kind="report_due").count() == 2


def test_run_now_sends_the_current_period_to_those_who_have_not_had_it(
    world, django_capture_on_commit_callbacks, dispatch
):
    only("report_due")
    schedule = Schedule.objects.get(code="report_due")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.schedule_run_now(
            actor=world["office"], schedule=schedule, now=at("2026-12-02 16:00"), inline=True
        )
    run.refresh_from_db()
    assert run.trigger == RunTrigger.MANUAL and run.key == "2026-11" and run.sent == 2
    # The scheduled slot next morning still runs, and sends nobody the same reminder again.
    [scheduled] = dispatch("2026-12-03 09:05").started
    scheduled.refresh_from_db()
    assert scheduled.status == RunStatus.DONE and scheduled.sent == 0
    assert Notification.objects.filter(kind="report_due").count() == 2


def test_the_sweep_reads_little_when_nothing_is_due(world, django_assert_max_num_queries):
    services.sweep(now=at("2026-12-03 09:05"))  # claims today's slot
    with django_assert_max_num_queries(6):
        services.sweep(now=at("2026-12-03 09:10"))


# --- two processes at once (PostgreSQL) ------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_in_two_processes_send_once(postgres_only, world):
    settings = connection.settings_dict
    url = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REDIS_URL": "",
    }
    command = [sys.executable, "manage.py", "run_dispatch", "--at", "2026-12-04 09:05"]
    procs = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    # Friday 4 December 09:05: the report-due reminder of Thursday 3rd is caught up and the Friday
    # digest of 08:30 is due (the 旬 dispatch of Tuesday 1st is past the 72 h window): each ran once,
    # each person got each once.
    keys = sorted(ScheduleRun.objects.values_list("schedule__code", "key"))
    # (and the ticket jobs: the daily one of the 2nd, 3rd and 4th, Friday's weekly digest; no tickets)
    assert keys == [
        ("friday_digest", "2026-W49"),
        ("report_due", "2026-11"),
        ("ticket_daily", "2026-12-02"),
        ("ticket_daily", "2026-12-03"),
        ("ticket_daily", "2026-12-04"),
        ("ticket_weekly", "2026-W49"),
    ]
    assert inbox(world, "zezhou") == [("report_due", "2026-11")]
    assert inbox(world, "gaoping") == [("report_due", "2026-11")]
    assert inbox(world, "office") == [("friday_digest", "2026-W49:office")]
    assert inbox(world, "zezhou_head") == []
