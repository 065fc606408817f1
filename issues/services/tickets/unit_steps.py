"""The unit's steps: sign, progress, timetable, report solved."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from scheduling import services as dispatch
from scheduling.calendar import WorkCalendar

from ... import clock, permissions
from ...choices import (
    Action,
    CheckpointKind,
    CheckpointStatus,
    Complexity,
    State,
)
from ...exceptions import TicketError
from ...models import Checkpoint, Ticket
from ...recipients import LeaderBook
from .. import attachments as files
from .base import (
    _add_checkpoint,
    _check,
    _close_checkpoints,
    _event,
    _locked,
    _moment,
    _refresh_deadline,
    _save,
    _today,
    ticket_url,
)

# --- the unit's steps ---------------------------------------------------------------------------


@transaction.atomic
def ticket_sign(*, actor, ticket, note: str = "", today=None) -> Ticket:
    """签收: the unit takes the matter up and deploys work (the "1" of 13710)."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.SIGN)
    today = _today(today)
    before = ticket.state
    ticket.state = State.HANDLING
    ticket.signed_on = today
    _close_checkpoints(ticket, [CheckpointKind.SIGN], CheckpointStatus.MET, today)
    _save(ticket, ["state", "signed_on"])
    _event(ticket, at=_moment(today), actor=actor, action=Action.SIGN, before=before, note=note)
    return ticket


@transaction.atomic
def ticket_progress(*, actor, ticket, note: str, uploads=(), today=None) -> Ticket:
    """反馈进展: a progress note (the "3" of 13710, and each periodic report of a suspended or
    timetabled matter). Signing for it first is implied when the unit reports straight away."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.PROGRESS)
    note = (note or "").strip()
    if not note:
        raise TicketError("请填写办理进展。")
    today = _today(today)
    checked = files.read_uploads(uploads)
    before = ticket.state
    fields = []
    if ticket.state == State.ASSIGNED and permissions.is_handling_unit(actor, ticket):
        ticket.state, ticket.signed_on = State.HANDLING, today
        _close_checkpoints(ticket, [CheckpointKind.SIGN], CheckpointStatus.MET, today)
        fields += ["state", "signed_on"]
    _close_checkpoints(ticket, [CheckpointKind.FEEDBACK], CheckpointStatus.MET, today)
    if (
        _close_checkpoints(ticket, [CheckpointKind.PROGRESS], CheckpointStatus.MET, today)
        and ticket.progress_every
    ):
        _add_checkpoint(
            ticket,
            CheckpointKind.PROGRESS,
            WorkCalendar().add_working_days(today, ticket.progress_every),
            f"每{ticket.progress_every}个工作日报告进展",
        )
    _save(ticket, fields)
    event = _event(ticket, at=_moment(today), actor=actor, action=Action.PROGRESS, before=before, note=note)
    files.store(ticket=ticket, event=event, actor=actor, checked=checked)
    return ticket


@transaction.atomic
def ticket_timetable(
    *, actor, ticket, milestones: list[tuple[dt.date, str]], progress_every: int, note: str = "", today=None
) -> Ticket:
    """A 重大复杂 matter that cannot be solved within the month gets a timetable: dated milestones
    and progress reports every `progress_every` working days (the second "1" of 13710)."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.TIMETABLE)
    today = _today(today)
    if ticket.complexity != Complexity.MAJOR:
        raise TicketError("只有重大复杂问题可以按时间表办理；一般问题须在7个工作日内办结。")
    milestones = sorted((d, (label or "").strip()) for d, label in milestones if d)
    if not milestones:
        raise TicketError("请至少填写一个时间表节点（日期和内容）。")
    if milestones[0][0] < today:
        raise TicketError("时间表节点不能早于今天。")
    if not progress_every or progress_every < 1:
        raise TicketError("请填写进展报告间隔（工作日）。")
    before = ticket.state
    _close_checkpoints(ticket, [CheckpointKind.SOLVE], CheckpointStatus.MET, today)
    Checkpoint.objects.filter(ticket=ticket, kind=CheckpointKind.SOLVE, done_on=today).update(
        label="一个月内制定时间表（已制定）"
    )
    for day, label in milestones:
        _add_checkpoint(ticket, CheckpointKind.MILESTONE, day, label or "时间表节点")
    ticket.progress_every = progress_every
    cal = WorkCalendar()
    _add_checkpoint(
        ticket,
        CheckpointKind.PROGRESS,
        cal.add_working_days(today, progress_every),
        f"每{progress_every}个工作日报告进展",
    )
    # The last milestone is the new solve date.
    _add_checkpoint(ticket, CheckpointKind.SOLVE, milestones[-1][0], "按时间表办结")
    _refresh_deadline(ticket)
    _save(ticket, ["progress_every", "deadline"])
    _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.TIMETABLE,
        before=before,
        note=note,
        data={
            "milestones": [[d.isoformat(), label] for d, label in milestones],
            "progress_every": progress_every,
        },
    )
    return ticket


@transaction.atomic
def ticket_report_solved(*, actor, ticket, note: str, uploads=(), today=None) -> Ticket:
    """The unit reports the matter solved, with its evidence; it waits for the office's visit."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.REPORT_SOLVED)
    note = (note or "").strip()
    if not note:
        raise TicketError("请说明办理结果（佐证材料可作为附件上传）。")
    today = _today(today)
    checked = files.read_uploads(uploads)
    before = ticket.state
    ticket.state = State.PENDING_VISIT
    ticket.solved_on = today
    ticket.visit_ok = False
    _close_checkpoints(
        ticket,
        [CheckpointKind.SOLVE, CheckpointKind.FEEDBACK, CheckpointKind.MILESTONE],
        CheckpointStatus.MET,
        today,
    )
    _close_checkpoints(ticket, [CheckpointKind.PROGRESS], CheckpointStatus.WAIVED, today)
    _save(ticket, ["state", "solved_on", "visit_ok"])
    event = _event(
        ticket, at=_moment(today), actor=actor, action=Action.REPORT_SOLVED, before=before, note=note
    )
    files.store(ticket=ticket, event=event, actor=actor, checked=checked)
    dispatch.notify(
        recipients=LeaderBook().office,
        kind="ticket_solved",
        key=f"ticket:{ticket.pk}:solved:{event.pk}",
        title=f"【待回访】{ticket.number} {ticket.title}",
        body=f"{ticket.lead_unit.display_name}报告已办结，请回访企业后销号。",
        url=ticket_url(ticket),
        obj=ticket,
    )
    return ticket


def _back_to_handling(ticket, today) -> None:
    """Back to the unit: it owes a new solution within the same span (7 working days on the clock)."""
    cal = WorkCalendar()
    ticket.state = State.HANDLING
    ticket.visit_ok = False
    ticket.solved_on = None
    days = clock.SOLVE_DAYS if ticket.on_clock else clock.category_days(ticket.category)
    _add_checkpoint(ticket, CheckpointKind.SOLVE, cal.add_working_days(today, days), "退回后限期重新办结")
    _refresh_deadline(ticket)
