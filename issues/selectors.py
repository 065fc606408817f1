"""Every read of tracked matters, scoped to the user.

Who sees a matter: the office, leaders, the statistics bureau and admin see all; a unit sees the
matters it handles or co-handles (its subtree's) and those on the projects it sees.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import Organisation
from accounts.scoping import NOTHING, project_scope_q, subtree_ids
from scheduling.calendar import WorkCalendar

from .choices import (
    OPEN_STATES,
    Category,
    CheckpointKind,
    CheckpointStatus,
    MatterKind,
    Satisfaction,
    State,
    Supervision,
)
from .filters import TicketFilterSet
from .models import AgendaItem, Checkpoint, Meeting, Ticket, TicketEvent, Visit

AGE_BUCKETS = (
    ("3个工作日以内", 0, 3),
    ("4–7个工作日", 4, 7),
    ("8–30个工作日", 8, 30),
    ("30个工作日以上", 31, 10**6),
)
CLOCK_KINDS = (
    CheckpointKind.SIGN,
    CheckpointKind.FEEDBACK,
    CheckpointKind.SOLVE,
    CheckpointKind.MILESTONE,
    CheckpointKind.PROGRESS,
)


def ticket_scope_q(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.sees_all_projects:
        return Q()
    org = user.organisation
    if org is None or not user.role_codes:
        return NOTHING
    ids = subtree_ids(org)
    co = Ticket.co_units.through.objects.filter(ticket_id=OuterRef("pk"), organisation_id__in=ids)
    return (
        Q(lead_unit_id__in=ids)
        | Q(Exists(co))
        | (Q(project__isnull=False) & project_scope_q(user, "project"))
    )


def tickets_for_user(user):
    return Ticket.objects.filter(ticket_scope_q(user))


def ticket_list(*, user, filters=None, request=None):
    """`(filterset, queryset)`: the scoped, filtered, ordered list (newest first by default)."""
    base = tickets_for_user(user)
    filterset = TicketFilterSet(filters or {}, queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    qs = filterset.qs.select_related(
        "project", "project__county", "lead_unit", "responsible_leader", "meeting"
    )
    ordering = list(qs.query.order_by)
    if not any(o.lstrip("-") in ("id", "pk") for o in ordering):
        qs = qs.order_by(*ordering, "-id")
    return filterset, qs


def ticket_get_for_user(*, user, pk) -> Ticket:
    qs = (
        tickets_for_user(user)
        .select_related(
            "project",
            "project__county",
            "project__liaison_leader",
            "lead_unit",
            "responsible_leader",
            "meeting",
            "source_decision",
            "found_by",
        )
        .prefetch_related(
            "co_units",
            Prefetch("checkpoints", queryset=Checkpoint.objects.order_by("id")),
            Prefetch(
                "events",
                queryset=TicketEvent.objects.select_related("actor")
                .prefetch_related("attachments")
                .order_by("at", "id"),
            ),
            Prefetch("visits", queryset=Visit.objects.select_related("visitor")),
            "attachments",
        )
    )
    try:
        return qs.get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404("事项不存在或不在您的管辖范围内。") from None


def tickets_for_project(*, user, project):
    return tickets_for_user(user).filter(project=project).select_related("lead_unit").order_by("-id")


def supervised_open(*, user=None):
    """Open matters under 督办, highest level and oldest first."""
    qs = Ticket.objects.filter(supervision__gt=0, state__in=OPEN_STATES).exclude(state=State.FOUND)
    if user is not None:
        qs = qs.filter(ticket_scope_q(user))
    return qs.select_related(
        "lead_unit", "project", "responsible_leader", "project__liaison_leader"
    ).order_by("-supervision", "deadline", "pk")


def unit_ages(*, today: dt.date, cal: WorkCalendar) -> dict[int, list[dict]]:
    """{lead unit id: [open matter rows, oldest first]} with each one's age in working days."""
    rows = (
        Ticket.objects.filter(state__in=OPEN_STATES, lead_unit__isnull=False)
        .exclude(state=State.FOUND)
        .values(
            "pk",
            "number",
            "title",
            "state",
            "assigned_on",
            "lead_unit_id",
            "lead_unit__name",
            "lead_unit__short_name",
        )
        .order_by("assigned_on", "pk")
    )
    result: dict[int, list[dict]] = defaultdict(list)
    rows = list(rows)
    if rows:
        cal.preload(min(r["assigned_on"] for r in rows), today)
    for r in rows:
        result[r["lead_unit_id"]].append(
            {
                "number": r["number"],
                "title": r["title"],
                "state": State(r["state"]).label,
                "age": cal.working_days_between(r["assigned_on"], today),
                "unit": r["lead_unit__short_name"] or r["lead_unit__name"],
            }
        )
    return dict(result)


# --- statistics ---------------------------------------------------------------------------------


@dataclass
class StatRow:
    key: int | str | None
    label: str
    open: int = 0
    overdue: int = 0
    closed: int = 0
    on_time: int = 0
    send_backs: int = 0
    median_days: float | None = None
    checkpoints_met: int = 0
    checkpoints_missed: int = 0
    days: list = field(default_factory=list, repr=False)

    @property
    def on_time_rate(self):
        return None if not self.closed else round(100 * self.on_time / self.closed, 1)

    @property
    def compliance(self):
        total = self.checkpoints_met + self.checkpoints_missed
        return None if not total else round(100 * self.checkpoints_met / total, 1)


@dataclass
class TicketStats:
    total: StatRow
    by_unit: list[StatRow]
    by_category: list[StatRow]
    satisfaction: list[dict]


def _median(values):
    return None if not values else float(statistics.median(values))


def ticket_stats(*, user, kind: str = MatterKind.PROBLEM, today: dt.date | None = None) -> TicketStats:
    """Open / overdue / closed by unit and by category, on-time closure rate, median working days to
    close, send-backs, 13710 checkpoint compliance by unit and satisfaction shares — each for the
    matters the user sees. Five queries whatever the number of matters."""
    today = today or timezone.localdate()
    base = tickets_for_user(user).filter(kind=kind)
    open_q = Q(state__in=OPEN_STATES)
    overdue_q = Q(state__in=[State.ASSIGNED, State.HANDLING], deadline__lt=today)
    closed_q = Q(state=State.CLOSED)
    agg = {
        "open": Count("pk", filter=open_q),
        "overdue": Count("pk", filter=overdue_q),
        "closed": Count("pk", filter=closed_q),
        "on_time": Count("pk", filter=closed_q & Q(closed_on_time=True)),
        "send_backs": Sum("send_backs"),
    }
    total = StatRow(key=None, label="合计")
    units: dict = {}
    for row in base.order_by().values("lead_unit_id").annotate(**agg):
        units[row["lead_unit_id"]] = StatRow(
            key=row["lead_unit_id"],
            label="",
            **{k: row[k] or 0 for k in ("open", "overdue", "closed", "on_time", "send_backs")},
        )
    categories = {}
    for row in base.order_by().values("category").annotate(**agg):
        categories[row["category"]] = StatRow(
            key=row["category"],
            label=Category(row["category"]).label,
            **{k: row[k] or 0 for k in ("open", "overdue", "closed", "on_time", "send_backs")},
        )
    for unit_id, category, days in base.filter(closed_q, working_days_to_close__isnull=False).values_list(
        "lead_unit_id", "category", "working_days_to_close"
    ):
        units[unit_id].days.append(days)
        categories[category].days.append(days)
        total.days.append(days)
    checkpoints = (
        Checkpoint.objects.filter(ticket__in=base.filter(on_clock=True).values("pk"), kind__in=CLOCK_KINDS)
        .filter(status__in=[CheckpointStatus.MET, CheckpointStatus.MISSED])
        .order_by()
        .values("ticket__lead_unit_id")
        .annotate(
            met=Count("pk", filter=Q(status=CheckpointStatus.MET)),
            missed=Count("pk", filter=Q(status=CheckpointStatus.MISSED)),
        )
    )
    for row in checkpoints:
        unit = units.get(row["ticket__lead_unit_id"])
        if unit:
            unit.checkpoints_met, unit.checkpoints_missed = row["met"], row["missed"]
    names = {
        o.pk: o.display_name
        for o in Organisation.objects.filter(pk__in=[k for k in units if k]).only("pk", "name", "short_name")
    }
    for key, row in units.items():
        row.label = names.get(key, "待交办") if key else "待交办"
    for row in [*units.values(), *categories.values()]:
        row.median_days = _median(row.days)
    for row in units.values():
        for attr in (
            "open",
            "overdue",
            "closed",
            "on_time",
            "send_backs",
            "checkpoints_met",
            "checkpoints_missed",
        ):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    total.median_days = _median(total.days)
    answers = dict(
        Visit.objects.filter(ticket__in=base.values("pk"))
        .order_by()
        .values("answer")
        .annotate(n=Count("pk"))
        .values_list("answer", "n")
    )
    visits = sum(answers.values())
    satisfaction = [
        {
            "answer": value,
            "label": label,
            "count": answers.get(value, 0),
            "share": None if not visits else round(100 * answers.get(value, 0) / visits, 1),
        }
        for value, label in Satisfaction.choices
    ]
    by_unit = sorted(units.values(), key=lambda r: (-r.open, r.label))
    by_category = [categories[c] for c in Category.values if c in categories]
    return TicketStats(total=total, by_unit=by_unit, by_category=by_category, satisfaction=satisfaction)


# --- meetings -------------------------------------------------------------------------------------


def meetings_for_user(user):
    """Meetings: the office, leaders, statistics and admin see all; a unit those it attended or
    whose decisions it owns."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    if user.sees_all_projects:
        return Meeting.objects.all()
    if user.organisation is None or not user.role_codes:
        return Meeting.objects.none()
    ids = subtree_ids(user.organisation)
    attended = Meeting.attendee_units.through.objects.filter(
        meeting_id=OuterRef("pk"), organisation_id__in=ids
    )
    owns = Ticket.objects.filter(meeting_id=OuterRef("pk"), lead_unit_id__in=ids)
    return Meeting.objects.filter(Exists(attended) | Exists(owns))


def meeting_list(*, user, level: str = "", year: int | None = None):
    qs = meetings_for_user(user)
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(date__year=year)
    open_decisions = Count(
        "matters", filter=Q(matters__kind=MatterKind.DECISION, matters__state__in=OPEN_STATES)
    )
    decisions = Count("matters", filter=Q(matters__kind=MatterKind.DECISION))
    return qs.annotate(decision_count=decisions, open_decision_count=open_decisions).order_by("-date", "-id")


def meeting_get_for_user(*, user, pk) -> Meeting:
    qs = meetings_for_user(user).prefetch_related(
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.select_related("project", "ticket").order_by("order", "id"),
        ),
        "attendee_units",
    )
    try:
        return qs.get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("调度会不存在或不在您的管辖范围内。") from None


def meeting_decisions(*, user, meeting):
    return (
        tickets_for_user(user)
        .filter(meeting=meeting, kind=MatterKind.DECISION)
        .select_related("lead_unit", "responsible_leader", "project")
        .order_by("id")
    )


def open_decisions_by_unit(*, user, today: dt.date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    rows = (
        tickets_for_user(user)
        .filter(kind=MatterKind.DECISION, state__in=OPEN_STATES)
        .order_by()
        .values("lead_unit_id", "lead_unit__name", "lead_unit__short_name")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today, state__in=[State.ASSIGNED, State.HANDLING])),
        )
        .order_by("-open", "lead_unit_id")
    )
    return [
        {
            "unit_id": r["lead_unit_id"],
            "unit": r["lead_unit__short_name"] or r["lead_unit__name"] or "待交办",
            "open": r["open"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


# --- for the Friday digest (dashboards) -----------------------------------------------------------


def digest_open_tickets(*, today: dt.date, limit: int = 20) -> dict:
    """The city's open matters for the Friday digest: overdue ones and supervised ones (two short
    lists, worst first) with their counts."""
    base = Ticket.objects.filter(
        state__in=[State.ASSIGNED, State.HANDLING, State.PENDING_VISIT, State.SUSPENDED]
    )
    overdue = base.filter(deadline__lt=today, state__in=[State.ASSIGNED, State.HANDLING])
    supervised = base.filter(supervision__gt=0)
    related = ("lead_unit", "project")
    return {
        "open": base.count(),
        "overdue_count": overdue.count(),
        "overdue": list(overdue.select_related(*related).order_by("deadline", "pk")[:limit]),
        "supervised_count": supervised.count(),
        "supervised": list(
            supervised.select_related(*related).order_by("-supervision", "deadline", "pk")[:limit]
        ),
    }


SUPERVISION_LABELS = dict(Supervision.choices)
