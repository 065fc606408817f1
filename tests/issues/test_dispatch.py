"""The daily ticket job through the sweep, as `run_dispatch --at` runs it: reminders the working day
before each checkpoint, 督办 one level up when one is missed, the leaders' daily list — each once."""

import datetime as dt

import pytest
import time_machine

from issues import services
from issues.choices import CheckpointKind, CheckpointStatus, MeetingLevel, State, Supervision
from issues.models import Checkpoint, Meeting, Ticket
from projects.choices import KeyLevel
from scheduling.models import Notification, Schedule, ScheduleRun
from tests.scheduling.conftest import at

pytestmark = pytest.mark.django_db
D = dt.date


def only(*codes):
    Schedule.objects.exclude(code__in=codes).update(is_enabled=False)


def inbox(world_or_user, kind=None):
    qs = Notification.objects.filter(recipient=world_or_user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("id"))


@pytest.fixture
def on_clock(world, assigned, leaders):
    """A 市级重点 project's ticket assigned on Friday 20 November 2026: sign due Mon 23, feedback
    Wed 25, solve Tue 1 December. The project's 包联 leader is the vice mayor."""
    only("ticket_daily")
    world.zz_project.key_level = KeyLevel.CITY
    world.zz_project.liaison_leader = leaders["vice"]
    world.zz_project.save()
    return assigned(day=D(2026, 11, 20))


def test_the_ticket_schedule_is_installed(db):
    schedule = Schedule.objects.get(code="ticket_daily")
    assert (schedule.task_name, schedule.rhythm, schedule.time.isoformat()) == (
        "issues.ticket_daily",
        "daily",
        "08:30:00",
    )
    assert Schedule.objects.get(code="ticket_weekly").task_name == "issues.ticket_weekly"


def test_reminder_goes_out_the_working_day_before_the_checkpoint(world, on_clock, dispatch):
    dispatch("2026-11-20 08:35")  # Friday: sign is due Monday, the next working day
    [n] = inbox(world["zezhou"], "ticket_checkpoint")
    assert "1个工作日内签收并部署" in n.title and "2026年11月23日" in n.title
    assert n.url == f"/tickets/{on_clock.pk}/"
    dispatch("2026-11-21 08:35")  # Saturday: no run (daily = working days)
    dispatch("2026-11-20 09:35")
    assert len(inbox(world["zezhou"], "ticket_checkpoint")) == 1


def test_a_missed_checkpoint_is_supervised_once_and_escalates_one_level(world, on_clock, dispatch, leaders):
    dispatch("2026-11-23 08:35")  # Monday: sign due today, not yet missed
    assert Ticket.objects.get(pk=on_clock.pk).supervision == 0
    dispatch("2026-11-24 08:35")  # Tuesday: the sign checkpoint was missed yesterday
    ticket = Ticket.objects.get(pk=on_clock.pk)
    assert ticket.supervision == Supervision.OFFICE
    sign = ticket.checkpoints.get(kind=CheckpointKind.SIGN)
    assert (sign.status, sign.missed_on) == (CheckpointStatus.MISSED, D(2026, 11, 24))
    [unit] = inbox(world["zezhou"], "ticket_overdue")
    assert unit.title.startswith("【专班办公室督办】")
    [office] = inbox(world["office"], "ticket_escalated")
    assert "1个工作日内签收并部署" in office.body
    # The same day again, and a concurrent sweep: nothing new.
    dispatch("2026-11-24 09:35")
    ScheduleRun.objects.filter(schedule__code="ticket_daily").delete()
    dispatch("2026-11-24 08:35")
    assert Ticket.objects.get(pk=on_clock.pk).supervision == Supervision.OFFICE
    assert len(inbox(world["office"], "ticket_escalated")) == 1
    assert len(inbox(world["zezhou"], "ticket_overdue")) == 1
    # Feedback missed too (due Wednesday 25th): the vice mayor in charge is reached, once.
    dispatch("2026-11-26 08:35")
    assert Ticket.objects.get(pk=on_clock.pk).supervision == Supervision.VICE_MAYOR
    [vice] = inbox(leaders["vice"].user, "ticket_escalated")
    assert vice.title.startswith("【分管副市长督办】")
    [daily] = inbox(leaders["vice"].user, "ticket_supervised_list")
    assert on_clock.number in daily.body
    assert inbox(world["leader"], "ticket_escalated") == []  # the executive vice mayor: not yet
    # Solve missed (due Tuesday 1 December): the executive vice mayor (`leader`) gets it and his list.
    dispatch("2026-12-02 08:35")
    assert Ticket.objects.get(pk=on_clock.pk).supervision == Supervision.EXECUTIVE
    [exec_notice] = inbox(world["leader"], "ticket_escalated")
    assert exec_notice.title.startswith("【常务副市长督办】")
    [listed] = inbox(world["leader"], "ticket_supervised_list")
    assert on_clock.number in listed.body and "已逾期1个工作日" in listed.body


def test_a_signed_ticket_is_not_reminded_to_sign(world, on_clock, dispatch):
    services.ticket_sign(actor=world["zezhou"], ticket=on_clock, today=D(2026, 11, 20))
    dispatch("2026-11-20 08:35")
    assert inbox(world["zezhou"], "ticket_checkpoint") == []
    dispatch("2026-11-24 08:35")  # feedback due 25th: reminded
    [n] = inbox(world["zezhou"], "ticket_checkpoint")
    assert "3个工作日内反馈" in n.title
    services.ticket_progress(
        actor=world["zezhou"], ticket=on_clock, note="已协调供电公司", today=D(2026, 11, 24)
    )
    dispatch("2026-11-26 08:35")
    assert Ticket.objects.get(pk=on_clock.pk).supervision == 0


def test_across_national_day_nothing_fires_on_the_holiday_and_the_adjusted_saturday_runs(
    world, assigned, dispatch
):
    only("ticket_daily")
    world.zz_project.key_level = KeyLevel.CITY
    world.zz_project.save()
    t = assigned(day=D(2026, 9, 29))  # sign due 30 September
    dispatch("2026-09-30 08:35")
    for day in ("2026-10-01", "2026-10-05"):
        result = dispatch(f"{day} 08:35")
        assert not result.started  # a holiday: the daily job does not run
    dispatch("2026-10-08 08:35")  # first working day after the holiday: sign was missed on 30 Sep
    assert Ticket.objects.get(pk=t.pk).supervision == Supervision.OFFICE
    dispatch("2026-10-09 08:35")
    result = dispatch("2026-10-10 08:35")  # 调休 Saturday: a working day, the job runs
    assert [r.schedule.code for r in result.started] == ["ticket_daily"]


def _queries_of_a_run(dispatch, when):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        dispatch(when)
    return len(queries)


def test_query_count_grows_with_the_tickets_due_not_with_all_tickets(world, assigned, dispatch):
    """Tickets not due cost nothing; each ticket due costs the same few queries."""
    only("ticket_daily")
    for _ in range(5):
        assigned(day=D(2026, 11, 2))
    Checkpoint.objects.update(due=D(2027, 6, 1))  # far off
    dispatch("2026-11-18 08:35")  # earlier days' runs are claimed: each run below is one day's
    few = _queries_of_a_run(dispatch, "2026-11-19 08:35")
    for _ in range(25):
        assigned(day=D(2026, 11, 2))
    Checkpoint.objects.update(due=D(2027, 6, 1))
    assert _queries_of_a_run(dispatch, "2026-11-20 08:35") == few
    # Now 3 and then 6 of them are due tomorrow: the cost per ticket due is constant.
    ids = list(Ticket.objects.values_list("pk", flat=True))
    Checkpoint.objects.filter(ticket_id__in=ids[:3]).update(due=D(2026, 11, 24))
    three = _queries_of_a_run(dispatch, "2026-11-23 08:35")
    Checkpoint.objects.filter(ticket_id__in=ids[3:9]).update(due=D(2026, 11, 25))
    six = _queries_of_a_run(dispatch, "2026-11-24 08:35")
    assert Notification.objects.filter(kind="ticket_checkpoint").count() == 2 * 3 + 2 * 6
    # On the 24th the three due that day are looked at again (their reminder is not re-sent).
    assert three - few <= 10 * 3 and six - few <= 10 * 9


def test_a_decision_of_the_mayors_meeting_reminds_its_owner_and_shows_overdue(
    world, leaders, dispatch, client_for
):
    only("ticket_daily")
    meeting = services.meeting_save(
        actor=world["office"],
        meeting=Meeting(level=MeetingLevel.MAYOR, title="11月市长顶格调度会", date=D(2026, 11, 20)),
    )
    decision = services.decision_create(
        actor=world["office"],
        meeting=meeting,
        title="市交通局牵头协调金村物流通道占道施工审批",
        lead_unit=world.jtj,
        deadline=D(2026, 11, 27),
        today=D(2026, 11, 20),
    )
    assert decision.on_clock and decision.state == State.ASSIGNED and decision.number.startswith("YD-2026-")
    dispatch("2026-11-26 08:35")  # deadline Friday 27th is the next working day
    reminders = inbox(world["jtj"], "decision_due")
    assert any("按议定时限办结" in n.title for n in reminders)
    dispatch("2026-11-30 08:35")
    decision.refresh_from_db()
    assert decision.supervision >= Supervision.OFFICE
    with time_machine.travel(at("2026-11-30 10:00"), tick=False):
        page = client_for("office").get("/tickets/", {"kind": "decision", "overdue": "1"})
    assert decision.number in page.content.decode() and 'data-light="red"' in page.content.decode()
    assert inbox(world["jtj"], "decision_overdue")


def test_the_friday_digest_lists_overdue_and_supervised_tickets(world, assigned, dispatch):
    only("friday_digest")
    late = assigned(day=D(2026, 11, 2))  # 15 working days: due 23 November
    services.ticket_supervise(actor=world["office"], ticket=late, note="企业反映")
    fresh = assigned(day=D(2026, 12, 1))
    dispatch("2026-12-04 08:35")
    [office] = inbox(world["office"], "friday_digest")
    assert "三、问题督办：未销号2件，其中逾期1件" in office.body
    section = office.body.split("三、问题督办")[1]
    assert late.number in section and "专班办公室督办" in section
    assert fresh.number not in section


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_daily_jobs_at_once_escalate_a_missed_checkpoint_once(postgres_only, world, assigned):
    """Two runs of the job (say a catch-up and today's) at the same moment, in two connections."""
    import threading

    from django.db import connection as main_connection

    from issues.dispatch import record_missed
    from issues.recipients import LeaderBook

    world.zz_project.key_level = KeyLevel.CITY
    world.zz_project.save()
    ticket = assigned(day=D(2026, 11, 20))  # sign due 23rd, feedback 25th
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            results.append(record_missed(today=D(2026, 11, 26), book=LeaderBook()))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(r[0] for r in results) in ([0, 2], [1, 1])  # two checkpoints, each taken once
    ticket.refresh_from_db()
    assert ticket.supervision == Supervision.VICE_MAYOR  # two missed checkpoints: two levels, not four
    assert Notification.objects.filter(kind="ticket_overdue").count() == 2 * 2  # 2 levels × 2 unit users
    assert main_connection.vendor == "postgresql"


def test_the_weekly_digest_gives_each_unit_its_open_tickets_by_age(world, assigned, dispatch):
    only("ticket_weekly")
    old = assigned(day=D(2026, 9, 1))
    new = assigned(day=D(2026, 12, 2))
    dispatch("2026-12-04 08:45")
    [n] = inbox(world["zezhou"], "ticket_weekly")
    assert n.title == "【问题周报】泽州县未办结事项2件"
    assert "3个工作日以内1件" in n.body and "30个工作日以上1件" in n.body
    assert n.body.index(old.number) < n.body.index(new.number)  # oldest first
    dispatch("2026-12-04 09:45")
    assert len(inbox(world["zezhou"], "ticket_weekly")) == 1
