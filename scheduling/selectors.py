"""Reads of the dispatch machinery, each scoped to the user: inbox, schedules, calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from config import compiled

from .calendar import WorkCalendar
from .choices import DeliveryStatus, RunStatus, RunTrigger, kind_label
from .models import Delivery, Notification, Schedule, ScheduleRun, Workday
from .rhythm import Occurrence, describe, next_occurrence


def unread_count(*, user) -> int:
    """The bell's count on every page (its SQL compiled once per process: config.compiled)."""
    rows = compiled.values(
        ("unread_count",),
        lambda: (
            Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
            .order_by()
            .values("recipient_id")
            .annotate(n=Count("pk"))
        ),
        params=(user.pk,),
    )
    return rows[0]["n"] if rows else 0


def notification_list(*, user):
    """The user's own notifications, newest first (nobody reads another's inbox, the admin included)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_kinds(*, user) -> list[tuple[str, str]]:
    kinds = Notification.objects.filter(recipient=user).order_by().values_list("kind", flat=True).distinct()
    return sorted(((k, kind_label(k)) for k in kinds), key=lambda kv: kv[1])


def notification_get_for_user(*, user, pk) -> Notification:
    return Notification.objects.get(recipient=user, pk=pk)


@dataclass
class ScheduleRow:
    schedule: Schedule
    when: str
    next: Occurrence | None
    last_run: ScheduleRun | None
    sent_30d: int
    failed_runs_30d: int
    failed_deliveries_30d: int


def schedule_overview(*, now: dt.datetime | None = None, schedule_id: int | None = None) -> list[ScheduleRow]:
    """Every schedule (or the one `schedule_id`) with what fires next, its last run and the last 30
    days' sends and failures (five queries, whatever the number of runs)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=30)
    latest = (
        ScheduleRun.objects.filter(schedule=OuterRef("pk")).order_by("-created_at", "-id").values("pk")[:1]
    )
    picked = Schedule.objects.filter(pk=schedule_id) if schedule_id is not None else Schedule.objects.all()
    schedules = list(picked.annotate(last_run_id=Subquery(latest)).order_by("sort_order", "id"))
    last_runs = ScheduleRun.objects.in_bulk([s.last_run_id for s in schedules if s.last_run_id])
    stats = {
        row["schedule_id"]: row
        for row in ScheduleRun.objects.filter(created_at__gte=since)
        .order_by()
        .values("schedule_id")
        .annotate(sent=Sum("sent"), failed=Count("pk", filter=Q(status=RunStatus.FAILED)))
    }
    failed_deliveries = {
        row["kind"]: row["n"]
        for row in Delivery.objects.filter(created_at__gte=since, status=DeliveryStatus.FAILED)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    }
    done = {}
    for schedule_id, key in (
        ScheduleRun.objects.filter(fire_at__gt=now)
        .exclude(trigger=RunTrigger.MANUAL)
        .values_list("schedule_id", "key")
    ):
        done.setdefault(schedule_id, set()).add(key)
    cal = WorkCalendar()
    return [
        ScheduleRow(
            schedule=s,
            when=describe(s),
            next=next_occurrence(s, now, cal, done.get(s.pk, frozenset())) if s.is_enabled else None,
            last_run=last_runs.get(s.last_run_id),
            sent_30d=stats.get(s.pk, {}).get("sent") or 0,
            failed_runs_30d=stats.get(s.pk, {}).get("failed") or 0,
            failed_deliveries_30d=failed_deliveries.get(s.code, 0),
        )
        for s in schedules
    ]


def schedule_runs(*, schedule: Schedule):
    return (
        ScheduleRun.objects.filter(schedule=schedule)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )


def failed_deliveries(*, schedule: Schedule):
    return (
        Delivery.objects.filter(kind=schedule.code, status=DeliveryStatus.FAILED)
        .select_related("notification__recipient", "robot__organisation")
        .order_by("-created_at")
    )


@dataclass
class CalendarYear:
    year: int
    listed: bool
    days: list[Workday]
    holidays: int
    working_weekends: int


def calendar_year(*, year: int) -> CalendarYear:
    days = list(Workday.objects.filter(date__year=year).order_by("date"))
    return CalendarYear(
        year=year,
        listed=bool(days),
        days=days,
        holidays=sum(1 for d in days if not d.is_working_day),
        working_weekends=sum(1 for d in days if d.is_working_day),
    )


def workday_list(*, year: int | None = None):
    qs = Workday.objects.order_by("date")
    return qs.filter(date__year=year) if year else qs
