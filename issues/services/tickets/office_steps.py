"""The office's steps: return, visit, close, suspend, resume, hand up."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from scheduling import services as dispatch
from scheduling.calendar import WorkCalendar

from ...choices import (
    AUTHORITY_ORDER,
    SATISFIED_ANSWERS,
    Action,
    CheckpointKind,
    CheckpointStatus,
    Grade,
    Satisfaction,
    State,
)
from ...exceptions import IllegalMove, TicketError
from ...models import Checkpoint, Ticket, Visit
from ...recipients import LeaderBook
from .assign import _date
from .base import (
    _add_checkpoint,
    _check,
    _event,
    _locked,
    _moment,
    _notify_unit,
    _refresh_deadline,
    _save,
    _today,
    ticket_url,
)
from .unit_steps import _back_to_handling

# --- the office's steps -------------------------------------------------------------------------


@transaction.atomic
def ticket_return(*, actor, ticket, reason: str, grade: str = Grade.FAIL, today=None) -> Ticket:
    """The office sends a closure request back (graded 不合格 by default): back to 办理中."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.RETURN)
    reason = (reason or "").strip()
    if not reason:
        raise TicketError("退回须说明理由。")
    today = _today(today)
    before = ticket.state
    _back_to_handling(ticket, today)
    ticket.office_returns += 1
    ticket.grade = grade or Grade.FAIL
    _save(ticket, ["state", "visit_ok", "solved_on", "deadline", "office_returns", "grade"])
    event = _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.RETURN,
        before=before,
        note=reason,
        data={"grade": ticket.grade},
    )
    _notify_unit(
        ticket,
        kind="ticket_returned",
        key=f"ticket:{ticket.pk}:returned:{event.pk}",
        title=f"【退回重办】{ticket.number} {ticket.title}",
        body=f"销号申请被退回：{reason}。请于{_date(ticket.deadline)}前重新办结。",
    )
    return ticket


@transaction.atomic
def ticket_visit(
    *, actor, ticket, answer: str, words: str = "", visited_on: dt.date | None = None, today=None
) -> Visit:
    """回访: the enterprise's answer. 不满意 sends the matter back to 办理中 and is counted."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.VISIT)
    if ticket.is_decision:
        raise IllegalMove("议定事项由专班办公室核验后销号，无需回访企业。")
    if answer not in Satisfaction.values:
        raise TicketError("请选择企业的评价（满意、基本满意或不满意）。")
    today = _today(today)
    visit = Visit.objects.create(
        ticket=ticket,
        visited_on=visited_on or today,
        answer=answer,
        words=(words or "").strip(),
        visitor=actor,
    )
    before = ticket.state
    ticket.satisfaction = answer
    fields = ["satisfaction"]
    if answer in SATISFIED_ANSWERS:
        ticket.visit_ok = True
        fields.append("visit_ok")
    else:
        _back_to_handling(ticket, today)
        ticket.send_backs += 1
        fields += ["state", "visit_ok", "solved_on", "deadline", "send_backs"]
    _save(ticket, fields)
    label = Satisfaction(answer).label
    event = _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.VISIT,
        before=before,
        note=f"企业评价：{label}。{visit.words}",
        data={"answer": answer},
    )
    if answer not in SATISFIED_ANSWERS:
        _notify_unit(
            ticket,
            kind="ticket_returned",
            key=f"ticket:{ticket.pk}:returned:{event.pk}",
            title=f"【企业不满意】{ticket.number} {ticket.title}",
            body=f"回访企业不满意：{visit.words or '（未记录意见）'}。请于{_date(ticket.deadline)}前重新办结。",
        )
    return visit


@transaction.atomic
def ticket_close(*, actor, ticket, grade: str, note: str = "", today=None) -> Ticket:
    """销号: only after a satisfied visit (a decision: after the office checks it), graded."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.CLOSE)
    if not ticket.is_decision and not ticket.visit_ok:
        raise IllegalMove(
            f"{ticket.number}尚未回访或企业不满意：须回访企业、企业满意后方可销号（由专班办公室操作）。"
        )
    if grade not in Grade.values:
        raise TicketError("请评定办结质量（优秀、良好、合格）。")
    if grade == Grade.FAIL:
        raise TicketError("评定为“不合格”的销号申请请退回重办。")
    today = _today(today)
    cal = WorkCalendar()
    before = ticket.state
    ticket.state = State.CLOSED
    ticket.grade = grade
    ticket.closed_on = today
    start = ticket.assigned_on or ticket.found_on
    ticket.working_days_to_close = max(cal.working_days_between(start, ticket.solved_on or today), 0)
    ticket.closed_on_time = not ticket.checkpoints.filter(
        kind=CheckpointKind.SOLVE, status=CheckpointStatus.MISSED
    ).exists()
    Checkpoint.objects.filter(ticket=ticket, status=CheckpointStatus.PENDING).update(
        status=CheckpointStatus.WAIVED
    )
    Checkpoint.objects.create(
        ticket=ticket,
        kind=CheckpointKind.CLOSE,
        seq=1,
        due=today,
        label="企业满意后销号清零" if not ticket.is_decision else "核验后销号",
        status=CheckpointStatus.MET,
        done_on=today,
    )
    _save(ticket, ["state", "grade", "closed_on", "working_days_to_close", "closed_on_time"])
    _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.CLOSE,
        before=before,
        note=note,
        data={"grade": grade},
    )
    return ticket


@transaction.atomic
def ticket_suspend(*, actor, ticket, reason: str, progress_every: int, today=None) -> Ticket:
    """挂起 a long-term problem: its deadlines stop; a progress report is due every N working days."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.SUSPEND)
    reason = (reason or "").strip()
    if not reason:
        raise TicketError("挂起须说明理由。")
    if not progress_every or progress_every < 1:
        raise TicketError("请填写进展报告间隔（工作日）。")
    today = _today(today)
    before = ticket.state
    Checkpoint.objects.filter(ticket=ticket, status=CheckpointStatus.PENDING).update(
        status=CheckpointStatus.WAIVED
    )
    ticket.state = State.SUSPENDED
    ticket.progress_every = progress_every
    _add_checkpoint(
        ticket,
        CheckpointKind.PROGRESS,
        WorkCalendar().add_working_days(today, progress_every),
        f"挂起期间每{progress_every}个工作日报告进展",
    )
    _save(ticket, ["state", "progress_every"])
    _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.SUSPEND,
        before=before,
        note=reason,
        data={"progress_every": progress_every},
    )
    return ticket


@transaction.atomic
def ticket_resume(*, actor, ticket, deadline: dt.date, note: str = "", today=None) -> Ticket:
    ticket = _locked(ticket)
    _check(actor, ticket, Action.RESUME)
    today = _today(today)
    if not deadline or deadline < today:
        raise TicketError("恢复办理须给出不早于今天的办结时限。")
    before = ticket.state
    Checkpoint.objects.filter(ticket=ticket, status=CheckpointStatus.PENDING).update(
        status=CheckpointStatus.WAIVED
    )
    ticket.state = State.HANDLING if ticket.signed_on else State.ASSIGNED
    ticket.progress_every = None
    _add_checkpoint(ticket, CheckpointKind.SOLVE, deadline, "恢复办理后限期办结")
    _refresh_deadline(ticket)
    _save(ticket, ["state", "progress_every", "deadline"])
    _event(ticket, at=_moment(today), actor=actor, action=Action.RESUME, before=before, note=note)
    return ticket


@transaction.atomic
def ticket_hand_up(*, actor, ticket, reason: str, today=None) -> Ticket:
    """提级: the unit lacks the authority (分权限、分层级批转); back to the office to assign one level up."""
    ticket = _locked(ticket)
    _check(actor, ticket, Action.HAND_UP)
    reason = (reason or "").strip()
    if not reason:
        raise TicketError("提级办理须说明理由（为何超出本级权限）。")
    position = AUTHORITY_ORDER.index(ticket.authority)
    if ticket.is_decision or position == len(AUTHORITY_ORDER) - 1:
        raise IllegalMove(f"{ticket.number}已是{ticket.get_authority_display()}权限，不能再提级。")
    before = ticket.state
    previous = ticket.lead_unit
    ticket.authority = AUTHORITY_ORDER[position + 1]
    ticket.state = State.FOUND
    ticket.lead_unit = None
    Checkpoint.objects.filter(ticket=ticket, status=CheckpointStatus.PENDING).update(
        status=CheckpointStatus.WAIVED
    )
    _save(ticket, ["authority", "state", "lead_unit"])
    ticket.co_units.clear()
    event = _event(
        ticket,
        at=_moment(today),
        actor=actor,
        action=Action.HAND_UP,
        before=before,
        note=reason,
        data={"from_unit": previous.display_name if previous else "", "authority": ticket.authority},
    )
    dispatch.notify(
        recipients=LeaderBook().office,
        kind="ticket_assigned",
        key=f"ticket:{ticket.pk}:handup:{event.pk}",
        title=f"【提级办理】{ticket.number} {ticket.title}",
        body=f"{previous.display_name if previous else ''}申请提级为{ticket.get_authority_display()}办理：{reason}",
        url=ticket_url(ticket),
        obj=ticket,
    )
    return ticket
