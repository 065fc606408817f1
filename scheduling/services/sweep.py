"""The sweep: each due occurrence of each schedule claimed and run once; runs by hand."""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from config.celery import app as celery_app
from config.tasks import enqueue_on_commit

from .. import permissions
from ..calendar import WorkCalendar
from ..choices import RunStatus, RunTrigger
from ..exceptions import DispatchError
from ..models import Schedule, ScheduleRun
from ..rhythm import current_occurrence, occurrences_between
from .base import ON_TIME_SLACK, RUN_MAX_ATTEMPTS, RUN_STALE_AFTER

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
