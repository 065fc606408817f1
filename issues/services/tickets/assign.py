"""交办: the office assigns a ticket to a unit and starts its clock."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from scheduling.calendar import WorkCalendar

from ... import clock
from ...choices import (
    Action,
    AuthorityLevel,
    CheckpointStatus,
    Complexity,
    State,
)
from ...exceptions import TicketError
from ...models import Checkpoint, Ticket
from .base import (
    CLOCK_KEY_LEVELS,
    _add_checkpoint,
    _check,
    _event,
    _locked,
    _moment,
    _notify_unit,
    _refresh_deadline,
    _save,
    _today,
)

# --- 交办 ---------------------------------------------------------------------------------------


def _start_clock(ticket, *, today, cal, deadline) -> None:
    Checkpoint.objects.filter(ticket=ticket, status=CheckpointStatus.PENDING).update(
        status=CheckpointStatus.WAIVED
    )
    for kind, due, label in clock.assignment_checkpoints(ticket, today, cal, deadline):
        _add_checkpoint(ticket, kind, due, label)
    _refresh_deadline(ticket)


@transaction.atomic
def ticket_assign(
    *,
    actor,
    ticket,
    lead_unit,
    co_units=(),
    authority: str = AuthorityLevel.COUNTY,
    responsible_leader=None,
    deadline: dt.date | None = None,
    priority: str = "normal",
    complexity: str = Complexity.ORDINARY,
    on_clock: bool | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> Ticket:
    """交办: the office assigns a found matter to a handling unit at a level, with a deadline. The
    13710 clock starts for key projects and any matter the office marks."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.ASSIGN)
    today = _today(today)
    if lead_unit is None:
        raise TicketError("请选择承办单位。")
    if deadline and deadline < today:
        raise TicketError("办结时限不能早于今天。")
    before = ticket.state
    ticket.lead_unit = lead_unit
    ticket.authority = authority
    ticket.responsible_leader = responsible_leader
    ticket.priority = priority
    ticket.complexity = complexity
    if on_clock is not None:
        ticket.on_clock = on_clock or (
            ticket.project is not None and ticket.project.key_level in CLOCK_KEY_LEVELS
        )
    ticket.state = State.ASSIGNED
    ticket.assigned_on = today
    ticket.signed_on = ticket.solved_on = None
    ticket.visit_ok = False
    cal = WorkCalendar()
    _start_clock(ticket, today=today, cal=cal, deadline=deadline)
    _save(
        ticket,
        [
            "lead_unit",
            "authority",
            "responsible_leader",
            "priority",
            "complexity",
            "on_clock",
            "state",
            "assigned_on",
            "signed_on",
            "solved_on",
            "visit_ok",
            "deadline",
        ],
    )
    ticket.co_units.set(co_units or [])
    _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.ASSIGN,
        before=before,
        note=note,
        data={
            "lead_unit": lead_unit.display_name,
            "deadline": ticket.deadline.isoformat(),
            "authority": authority,
        },
    )
    n = ticket.events.filter(action=Action.ASSIGN).count()
    what = "议定事项" if ticket.is_decision else "问题"
    _notify_unit(
        ticket,
        kind="ticket_assigned",
        key=f"ticket:{ticket.pk}:assigned:{n}",
        title=f"【交办】{ticket.number} {ticket.title}",
        body=f"专班办公室交办{what}“{ticket.title}”，请于{_date(ticket.deadline)}前办结"
        + ("（纳入13710督办：1个工作日内签收部署，3个工作日内反馈）" if ticket.on_clock else "")
        + "。",
    )
    return ticket


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"
