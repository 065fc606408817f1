"""督办: escalation by missed checkpoints, and supervision by a leader."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from scheduling import services as dispatch

from ...choices import (
    Action,
    Supervision,
)
from ...exceptions import TicketError
from ...models import Ticket
from ...recipients import LeaderBook
from .assign import _date
from .base import _check, _event, _locked, _moment, _notify_unit, _save, _today, ticket_url

# --- 督办 ----------------------------------------------------------------------------------------


def escalate(ticket, *, actor, level: int, today: dt.date, note: str, book: LeaderBook, cause: str) -> int:
    """Raise the 督办 flag to `level` (never down) and tell the unit and whom it reaches, once per
    (ticket, level). The caller holds the ticket's row. Returns how many messages were new."""
    level = min(max(level, Supervision.OFFICE), Supervision.MAYOR)
    if level <= ticket.supervision:
        return 0
    before = ticket.state
    ticket.supervision = level
    ticket.supervised_on = today
    _save(ticket, ["supervision", "supervised_on"])
    label = Supervision(level).label
    _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.SUPERVISE,
        before=before,
        note=note,
        data={"level": level, "cause": cause},
    )
    what = "议定事项" if ticket.is_decision else "问题"
    sent = _notify_unit(
        ticket,
        kind="ticket_overdue" if not ticket.is_decision else "decision_overdue",
        key=f"ticket:{ticket.pk}:supervision:{level}",
        title=f"【{label}】{ticket.number} {ticket.title}",
        body=f"{note}该{what}已列入{label}，请加快办理并及时反馈。",
    )
    leaders, ids = book.reached(ticket, level)
    names = "、".join(x.name for x in leaders) or "专班办公室"
    sent += dispatch.notify(
        recipients=ids,
        kind="ticket_escalated",
        key=f"ticket:{ticket.pk}:supervision:{level}",
        title=f"【{label}】{ticket.number} {ticket.title}",
        body=(
            f"{note}{what}已升级至{label}（{names}）。承办单位：{ticket.lead_unit.display_name if ticket.lead_unit else '待交办'}；"
            f"办结时限：{_date(ticket.deadline)}。"
        ),
        url=ticket_url(ticket),
        obj=ticket,
    )
    return sent


@transaction.atomic
def ticket_supervise(*, actor, ticket, level: int | None = None, note: str = "", today=None) -> Ticket:
    """督办 by hand: one level up, or to the level the office names (never down)."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.SUPERVISE)
    target = int(level) if level else ticket.supervision + 1
    if target <= ticket.supervision:
        raise TicketError(f"{ticket.number}已是{ticket.get_supervision_display()}，督办只能逐级上升。")
    if target > Supervision.MAYOR:
        raise TicketError(f"{ticket.number}已是最高督办级别（市长督办）。")
    note = (note or "").strip()
    escalate(
        ticket,
        actor=actor,
        level=target,
        today=_today(today),
        note=f"{note}。" if note and not note.endswith("。") else note,
        book=LeaderBook(),
        cause="manual",
    )
    return ticket
