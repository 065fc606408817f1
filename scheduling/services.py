"""Every write of the dispatch machinery: notify(), deliveries, the sweep and runs, the user's inbox,
schedules and the working-day calendar.

Exactly once: a notification is claimed by the unique (recipient, kind, key), a delivery by its
unique target and a conditional UPDATE before it is sent, a schedule's occurrence by the unique
(schedule, key) of its run. Running anything here twice, or concurrently, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import traceback
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from accounts.models import User
from config.celery import app as celery_app
from config.tasks import enqueue_on_commit

from . import channels, permissions
from .calendar import WorkCalendar, arrangement_from_package
from .choices import Channel, DeliveryStatus, RunStatus, RunTrigger
from .exceptions import DispatchError
from .models import ChannelPreference, Delivery, Notification, RobotWebhook, Schedule, ScheduleRun, Workday
from .rhythm import current_occurrence, occurrences_between

logger = logging.getLogger(__name__)

DELIVER_TASK = "scheduling.deliver"
DELIVERY_BATCH = 200  # delivery ids per queued task
DELIVERY_LOCK = dt.timedelta(minutes=5)  # a claimed delivery is someone's for this long
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
# A run still queued or running after this long was lost (broker down, worker killed): run it again.
RUN_STALE_AFTER = dt.timedelta(minutes=15)
RUN_MAX_ATTEMPTS = 3
# A sweep within this long of the fire time is "on schedule"; later it is a catch-up.
ON_TIME_SLACK = dt.timedelta(minutes=30)


# --- messages ---------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_message(template: str, context: dict) -> str:
    """Fill `{name}` placeholders from `context`; unknown names stay as typed (no attribute access,
    so an admin-edited template can only print what the job offers)."""

    def fill(match):
        name = match.group(1)
        return str(context[name]) if name in context else match.group(0)

    return _PLACEHOLDER.sub(fill, template)


# --- notify -----------------------------------------------------------------------------------


def _user_ids(recipients) -> list[int]:
    ids = set()
    for r in recipients:
        pk = r if isinstance(r, int) else getattr(r, "pk", None)
        if pk is not None:
            ids.add(pk)
    return sorted(ids)


@transaction.atomic
def notify(*, recipients, kind: str, key: str, title: str, body: str = "", url: str = "", obj=None) -> int:
    """Put one message in each recipient's inbox, once per (recipient, kind, key), and queue its
    e-mail and the recipients' units' group robots after the commit. Returns how many were new.

    `recipients`: users or user ids (inactive users are skipped). `key` names the period or event
    the message is about ("2026-10", "ticket:12:checkpoint:3"): the same key never arrives twice.
    """
    ids = _user_ids(recipients)
    if not ids:
        return 0
    title, key, url = title[:200], key[:100], url[:300]
    users = {
        row["pk"]: row
        for row in User.objects.filter(pk__in=ids, is_active=True).values(
            "pk", "email", "organisation_id", "channel_preference__email", "channel_preference__muted_kinds"
        )
    }
    already = set(
        Notification.objects.filter(kind=kind, key=key, recipient_id__in=list(users)).values_list(
            "recipient_id", flat=True
        )
    )
    fresh = [pk for pk in users if pk not in already]
    if not fresh:
        return 0
    content_type, object_id = (None, "")
    if obj is not None:
        content_type, object_id = ContentType.objects.get_for_model(obj), str(obj.pk)
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                key=key,
                title=title,
                body=body,
                url=url,
                content_type=content_type,
                object_id=object_id,
                created_at=now,
            )
            for pk in fresh
        ],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent notify() of the same key: its row stands, ours is dropped
    )
    mine = dict(
        Notification.objects.filter(kind=kind, key=key, recipient_id__in=fresh, created_at=now).values_list(
            "recipient_id", "pk"
        )
    )
    deliveries = []
    for user_id, notification_id in mine.items():
        user = users[user_id]
        wants = user["channel_preference__email"] is not False and kind not in (
            user["channel_preference__muted_kinds"] or []
        )
        if user["email"] and wants:
            deliveries.append(
                Delivery(
                    channel=Channel.EMAIL,
                    notification_id=notification_id,
                    kind=kind,
                    key=key,
                    title=title,
                    body=body,
                    url=url,
                )
            )
    units = {users[pk]["organisation_id"] for pk in mine if users[pk]["organisation_id"]}
    for robot in RobotWebhook.objects.filter(organisation_id__in=units, is_enabled=True):
        deliveries.append(
            Delivery(channel=robot.channel, robot=robot, kind=kind, key=key, title=title, body=body, url=url)
        )
    if deliveries:
        Delivery.objects.bulk_create(deliveries, batch_size=1000, ignore_conflicts=True)
        queued = list(
            Delivery.objects.filter(
                Q(notification_id__in=list(mine.values()))
                | Q(robot__organisation_id__in=units, kind=kind, key=key),
                status=DeliveryStatus.PENDING,
                attempts=0,
            ).values_list("pk", flat=True)
        )
        for start in range(0, len(queued), DELIVERY_BATCH):
            enqueue_on_commit(DELIVER_TASK, queued[start : start + DELIVERY_BATCH])
    return len(mine)


# --- deliveries -------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def deliver(delivery_ids, *, now: dt.datetime | None = None) -> dict:
    """Send each delivery that is pending, due and not claimed by someone else. One failure never
    stops the others; a failed send is retried with backoff until DELIVERY_MAX_ATTEMPTS."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for pk in delivery_ids:
        counts[_deliver_one(pk, now or timezone.now())] += 1
    return counts


def _deliver_one(pk: int, now: dt.datetime) -> str:
    claimed = (
        Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + DELIVERY_LOCK, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("notification__recipient", "robot").get(pk=pk)
    try:
        channels.send(delivery)
    except channels.SendError as exc:
        give_up = delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS
        Delivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            next_attempt_at=now + backoff(delivery.attempts),
            locked_until=None,
            last_error=str(exc)[:500],
        )
        logger.warning(
            "Delivery %s (%s) failed, attempt %s: %s", pk, delivery.channel, delivery.attempts, exc
        )
        return "failed"
    Delivery.objects.filter(pk=pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), locked_until=None, last_error=""
    )
    return "sent"


def redeliver_pending(*, now: dt.datetime | None = None, limit: int = 2000) -> dict:
    """Send what is due again: retries whose backoff has passed, and deliveries whose queued task was
    lost (the broker was down when notify() committed)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return deliver(ids, now=now)


# --- the sweep and runs -----------------------------------------------------------------------


@dataclass
class SweepResult:
    started: list[ScheduleRun] = field(default_factory=list)
    retried: list[ScheduleRun] = field(default_factory=list)


def _load_tasks() -> None:
    """Register every app's tasks (each app's tasks.py), so a job is known by its name."""
    celery_app.loader.import_default_modules()


def _start(run: ScheduleRun, *, inline: bool) -> None:
    """Hand the run to its job: in process now (`inline`), else queued by task name after the commit.
    The caller has loaded the task registry (`_load_tasks`)."""
    task_name = run.schedule.task_name
    if task_name not in celery_app.tasks:
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            error=f"任务 {task_name} 未注册（所在应用未安装或名称有误）",
            finished_at=timezone.now(),
        )
        return
    if inline:
        transaction.on_commit(lambda: celery_app.tasks[task_name].apply(args=[run.pk], throw=True))
    else:
        enqueue_on_commit(task_name, run.pk)


def sweep(*, now: dt.datetime | None = None, inline: bool = False) -> SweepResult:
    """Start every occurrence due in (now − catch-up window, now] that no earlier sweep claimed, and
    restart runs that failed or were lost. Queries: a few, plus a handful per run it starts."""
    now = now or timezone.now()
    window = dt.timedelta(hours=settings.DISPATCH_CATCH_UP_HOURS)
    result = SweepResult()
    _load_tasks()
    cal = WorkCalendar()
    due = []
    for schedule in Schedule.objects.filter(is_enabled=True):
        due += [(schedule, o) for o in occurrences_between(schedule, now - window, now, cal)]
    if due:
        claimed = set(
            ScheduleRun.objects.filter(schedule__in={s.pk for s, _ in due}, key__in={o.key for _, o in due})
            .exclude(trigger=RunTrigger.MANUAL)
            .values_list("schedule_id", "key")
        )
        for schedule, occurrence in due:
            if (schedule.pk, occurrence.key) in claimed:
                continue
            trigger = (
                RunTrigger.SCHEDULE if now - occurrence.fire_at <= ON_TIME_SLACK else RunTrigger.CATCH_UP
            )
            try:
                with transaction.atomic():
                    run = ScheduleRun.objects.create(
                        schedule=schedule,
                        key=occurrence.key,
                        nominal_date=occurrence.nominal_date,
                        fire_at=occurrence.fire_at,
                        as_of=max(now, occurrence.fire_at),
                        trigger=trigger,
                    )
                    _start(run, inline=inline)
            except IntegrityError:
                continue  # a concurrent sweep claimed it first
            result.started.append(run)
    result.retried = _restart_lost_runs(now=now, window=window, inline=inline)
    return result


def _restart_lost_runs(*, now, window, inline) -> list[ScheduleRun]:
    stale = timezone.now() - RUN_STALE_AFTER
    lost = ScheduleRun.objects.filter(
        fire_at__gt=now - window, fire_at__lte=now, attempts__lt=RUN_MAX_ATTEMPTS
    ).filter(
        Q(status=RunStatus.FAILED)
        | Q(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__lt=stale)
        & (Q(started_at__isnull=True) | Q(started_at__lt=stale))
    )
    restarted = []
    for run in lost.select_related("schedule"):
        with transaction.atomic():
            again = ScheduleRun.objects.filter(pk=run.pk, status=run.status, attempts=run.attempts).update(
                status=RunStatus.QUEUED, created_at=timezone.now(), error=""
            )
            if again:
                _start(run, inline=inline)
                restarted.append(run)
    return restarted


def run_started(run_id: int) -> ScheduleRun | None:
    """Mark the run running; None if it is already done (a redelivered task does nothing)."""
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().select_related("schedule").get(pk=run_id)
        if run.status == RunStatus.DONE:
            return None
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "attempts"])
    return run


def run_finished(run: ScheduleRun, *, sent: int, summary: str) -> None:
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        sent=F("sent") + sent,
        summary=summary[:500],
        error="",
        finished_at=timezone.now(),
    )


def run_failed(run: ScheduleRun, *, sent: int) -> None:
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED,
        sent=F("sent") + sent,
        error=traceback.format_exc()[-4000:],
        finished_at=timezone.now(),
    )


@transaction.atomic
def schedule_run_now(
    *, actor, schedule: Schedule, now: dt.datetime | None = None, inline: bool = False
) -> ScheduleRun:
    """The office's "run now": the schedule's current period, at once. Whoever already has the
    reminder for that period does not get it again."""
    if not permissions.can_run_schedule(actor):
        raise PermissionDenied("只有专班办公室或管理员可以立即执行调度。")
    now = now or timezone.now()
    occurrence = current_occurrence(schedule, now)
    if occurrence is None:
        raise DispatchError("该计划在一年内没有执行时间，请先检查其设置。")
    _load_tasks()
    run = ScheduleRun.objects.create(
        schedule=schedule,
        key=occurrence.key,
        nominal_date=occurrence.nominal_date,
        fire_at=now,
        as_of=now,
        trigger=RunTrigger.MANUAL,
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.DISPATCH,
        instance=schedule,
        message=f"立即执行“{schedule.name}”（{occurrence.label}）",
    )
    _start(run, inline=inline)
    return run


# --- schedules ----------------------------------------------------------------------------------

SCHEDULE_FIELDS = (
    "name",
    "rhythm",
    "weekday",
    "anchor",
    "day_of_month",
    "offset_working_days",
    "months",
    "time",
    "audience",
    "title_template",
    "body_template",
    "is_enabled",
)


@transaction.atomic
def schedule_update(*, actor, schedule: Schedule, data: dict, also_notify=None) -> Schedule:
    if not permissions.can_edit_schedule(actor):
        raise PermissionDenied("只有管理员可以修改调度计划。")
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    before = audit.snapshot(schedule, list(SCHEDULE_FIELDS))
    for name in SCHEDULE_FIELDS:
        if name in data:
            setattr(schedule, name, data[name])
    schedule.full_clean()
    schedule.save()
    changes = audit.diff(before, audit.snapshot(schedule, list(SCHEDULE_FIELDS)))
    if also_notify is not None:
        old = sorted(str(u) for u in schedule.also_notify.all())
        schedule.also_notify.set(also_notify)
        new = sorted(str(u) for u in schedule.also_notify.all())
        if old != new:
            changes["also_notify"] = [old, new]
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=schedule, changes=changes)
    return schedule


# --- the working-day calendar ---------------------------------------------------------------------


@transaction.atomic
def workday_save(*, actor, date: dt.date, is_working_day: bool, name: str = "") -> Workday:
    if not permissions.can_edit_calendar(actor):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    row = Workday.objects.select_for_update().filter(date=date).first()
    action = AuditAction.UPDATE if row else AuditAction.CREATE
    before = audit.snapshot(row) if row else {}
    row = row or Workday(date=date)
    row.is_working_day, row.name = is_working_day, name.strip()
    row.full_clean(validate_unique=False)
    row.save()
    changes = audit.diff(before, audit.snapshot(row))
    if changes:
        audit.record(actor=actor, action=action, instance=row, changes=changes)
    return row


@transaction.atomic
def workday_delete(*, actor, date: dt.date) -> bool:
    if not permissions.can_edit_calendar(actor):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    row = Workday.objects.select_for_update().filter(date=date).first()
    if row is None:
        return False
    audit.record(
        actor=actor, action=AuditAction.DELETE, instance=row, changes=audit.diff(audit.snapshot(row), {})
    )
    row.delete()
    return True


@transaction.atomic
def workdays_import_year(*, actor, year: int) -> int:
    """Add the year's arrangement from the `chinesecalendar` package; days already in the table (the
    admin's own entries) are kept. Returns how many days were added."""
    if actor is not None and not permissions.can_edit_calendar(actor):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    try:
        arrangement = arrangement_from_package(year)
    except NotImplementedError as exc:
        raise DispatchError(
            f"已安装的 chinesecalendar 尚未收录{year}年的放假安排：请升级该软件包，或按国务院办公厅通知逐日录入。"
        ) from exc
    existing = set(Workday.objects.filter(date__year=year).values_list("date", flat=True))
    rows = [Workday(date=d, is_working_day=w, name=n) for d, w, n in arrangement if d not in existing]
    Workday.objects.bulk_create(rows)
    if rows and actor is not None:
        audit.record_many(
            actor=actor,
            entries=[
                audit.Entry(AuditAction.CREATE, r, audit.snapshot(r), message=f"导入{year}年放假安排")
                for r in rows
            ],
        )
    return len(rows)


# --- the person's inbox -----------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (idempotent); another's is not found."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user, kind: str | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preference_update(*, user, email: bool, muted_kinds: list[str]) -> ChannelPreference:
    pref, _ = ChannelPreference.objects.select_for_update().get_or_create(user=user)
    before = audit.snapshot(pref)
    pref.email, pref.muted_kinds = email, sorted(set(muted_kinds))
    pref.save()
    changes = audit.diff(before, audit.snapshot(pref))
    if changes:
        audit.record(actor=user, action=AuditAction.UPDATE, instance=pref, changes=changes)
    return pref
