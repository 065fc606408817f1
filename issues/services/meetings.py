"""Dispatch meetings (四级调度): the meeting, its agenda, minutes, and decisions (议定事项) that
become tracked matters with an owner unit and a deadline (督考一体)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from projects.selectors import project_list
from reporting import measures
from reporting.measures import Basis
from scheduling import periods

from .. import permissions
from ..choices import CLOCK_MEETING_LEVELS, OPEN_STATES, MatterKind, Source, State
from ..exceptions import TicketError
from ..models import AgendaItem, Meeting, Ticket
from .tickets import _event, _moment, _next_number, ticket_assign

AGENDA_LIMIT = 60  # projects one agenda build adds
MEETING_FIELDS = ("level", "title", "date", "place", "chair", "attendees", "minutes")


def _require_office(actor):
    if not permissions.can_manage_meetings(actor):
        raise PermissionDenied("只有专班办公室可以组织调度会、记录纪要和议定事项。")


@transaction.atomic
def meeting_save(*, actor, meeting: Meeting, attendee_units=None) -> Meeting:
    _require_office(actor)
    if not (meeting.title or "").strip():
        raise TicketError("请填写会议名称。")
    creating = meeting.pk is None
    before = {} if creating else audit.snapshot(Meeting.objects.get(pk=meeting.pk), list(MEETING_FIELDS))
    if creating:
        meeting.created_by = actor
    meeting.updated_at = timezone.now()
    meeting.save()
    if attendee_units is not None:
        meeting.attendee_units.set(attendee_units)
    changes = audit.diff(before, audit.snapshot(meeting, list(MEETING_FIELDS)))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        instance=meeting,
        changes=changes,
    )
    return meeting


def _next_order(meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def agenda_from_selection(
    *, actor, meeting: Meeting, selection: str, behind_only: bool = False, with_tickets: bool = True
) -> int:
    """Add the projects of a saved project-list selection (its query string, e.g.
    `county=3&key_level=any`) to the agenda; `behind_only` keeps those behind time progress (审核口径),
    `with_tickets` adds their open tickets. Projects and tickets already listed are skipped. Returns
    how many items were added."""
    _require_office(actor)
    selection = (selection or "").lstrip("?").strip()
    filters = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(selection).items()}
    filterset, projects = project_list(user=actor, filters=filters)
    if not filterset.is_valid():
        raise TicketError("项目筛选条件无效，请在项目库中重新筛选后复制地址栏中的条件。")
    chosen = list(projects.select_related(None).only("pk", "name")[: AGENDA_LIMIT * 5])
    if behind_only:
        year, month = periods.last_due_period(meeting.date)
        figs = measures.figures_by_project(
            project_ids=[p.pk for p in chosen], year=year, month=month, basis=Basis.APPROVED
        )
        chosen = [
            p
            for p in chosen
            if figs[p.pk].vs_time_progress_pp is not None and figs[p.pk].vs_time_progress_pp < 0
        ]
        behind = {p.pk: figs[p.pk] for p in chosen}
    else:
        behind = {}
    chosen = chosen[:AGENDA_LIMIT]
    listed_projects = set(meeting.agenda_items.exclude(project=None).values_list("project_id", flat=True))
    listed_tickets = set(meeting.agenda_items.exclude(ticket=None).values_list("ticket_id", flat=True))
    order = _next_order(meeting)
    rows = []
    for project in chosen:
        if project.pk in listed_projects:
            continue
        text = project.name
        if project.pk in behind:
            f = behind[project.pk]
            text += f"（完成率{f.completion_rate}%，低于时间进度{f.gap_points}个百分点）"
        rows.append(AgendaItem(meeting=meeting, order=order, project=project, text=text[:300]))
        order += 1
    if with_tickets:
        open_tickets = (
            Ticket.objects.filter(project_id__in=[p.pk for p in chosen], state__in=OPEN_STATES)
            .exclude(pk__in=listed_tickets)
            .exclude(state=State.FOUND)
        )
        for ticket in open_tickets.order_by("deadline", "pk")[:AGENDA_LIMIT]:
            rows.append(
                AgendaItem(
                    meeting=meeting, order=order, ticket=ticket, text=f"{ticket.number} {ticket.title}"[:300]
                )
            )
            order += 1
    AgendaItem.objects.bulk_create(rows)
    meeting.project_selection = selection[:500]
    meeting.save(update_fields=["project_selection"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=meeting,
        message=f"按项目筛选条件生成议程 {len(rows)} 项（{urlencode(filters, doseq=True)[:200]}）",
    )
    return len(rows)


@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, text: str = "", ticket=None, project=None) -> AgendaItem:
    _require_office(actor)
    text = (text or "").strip() or (
        f"{ticket.number} {ticket.title}" if ticket else project.name if project else ""
    )
    if not text:
        raise TicketError("请填写议题。")
    item = AgendaItem.objects.create(
        meeting=meeting, order=_next_order(meeting), text=text[:300], ticket=ticket, project=project
    )
    audit.record(
        actor=actor, action=AuditAction.CREATE, instance=item, root=meeting, message=f"增加议题：{item.text}"
    )
    return item


@transaction.atomic
def decision_create(
    *,
    actor,
    meeting: Meeting,
    title: str,
    lead_unit,
    deadline: dt.date,
    description: str = "",
    co_units=(),
    responsible_leader=None,
    project=None,
    today: dt.date | None = None,
) -> Ticket:
    """A decision (议定事项) of the meeting: tracked like a ticket from the moment it is recorded,
    assigned to its owner unit with its deadline; on the 13710 clock for the mayor's and vice
    mayors' meetings."""
    _require_office(actor)
    title = (title or "").strip()
    if not title:
        raise TicketError("请填写议定事项内容。")
    if deadline is None:
        raise TicketError("议定事项须有办结时限。")
    today = today or timezone.localdate()
    ticket = Ticket.objects.create(
        kind=MatterKind.DECISION,
        number=_next_number(today.year, "YD"),
        title=title[:200],
        description=(description or "").strip(),
        project=project,
        category="other",
        source=Source.MEETING,
        meeting=meeting,
        found_by=actor,
        found_on=meeting.date,
        on_clock=meeting.level in CLOCK_MEETING_LEVELS,
        state=State.FOUND,
    )
    _event(ticket, actor=actor, action="create", before="", note=f"{meeting.title}议定", at=_moment(today))
    return ticket_assign(
        actor=actor,
        ticket=ticket,
        lead_unit=lead_unit,
        co_units=co_units,
        authority="city",
        responsible_leader=responsible_leader,
        deadline=deadline,
        on_clock=meeting.level in CLOCK_MEETING_LEVELS,
        today=today,
    )
