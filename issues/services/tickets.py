"""Every write of a tracked matter. Each is keyword-only, atomic, locks the row it changes, checks
the role and the state (a refusal names both), writes one `TicketEvent` and an audit row, and
tells whom it concerns through `scheduling.services.notify` (once per event key).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from scheduling import services as dispatch
from scheduling.calendar import WorkCalendar

from .. import clock, permissions
from ..choices import (
    ACTION_FROM,
    ACTION_ROLE_TEXT,
    AUTHORITY_ORDER,
    SATISFIED_ANSWERS,
    Action,
    AuthorityLevel,
    CheckpointKind,
    CheckpointStatus,
    Complexity,
    Grade,
    MatterKind,
    Satisfaction,
    State,
    Supervision,
)
from ..exceptions import IllegalMove, TicketError
from ..models import Checkpoint, Ticket, TicketEvent, TicketNumber, Visit
from ..recipients import LeaderBook, unit_user_ids
from . import attachments as files

CLOCK_KEY_LEVELS = ("province", "province_city", "city")  # 省级/市级重点 projects go on the 13710 track


def _today(today):
    return today or timezone.localdate()


def _moment(today):
    """When a step dated `today` happened: now, or for a step recorded on a past day (the demo, a
    catch-up) that day in the working morning, so the timeline reads in order."""
    if today is None or today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(9, 30)))


def ticket_url(ticket) -> str:
    return f"/tickets/{ticket.pk}/"


def _next_number(year: int, prefix: str = "WT") -> str:
    row, _ = TicketNumber.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    TicketNumber.objects.filter(pk=row.pk).update(last=F("last") + 1)
    row.refresh_from_db()
    return f"{prefix}-{year}-{row.last:05d}"


def _locked(ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _check(actor, ticket, action: Action) -> None:
    """Refuse a move the state or the role does not allow, saying which state and which role."""
    if not permissions.may(actor, ticket, action):
        raise PermissionDenied(
            f"只有{ACTION_ROLE_TEXT[action]}可以对{ticket.number}进行“{action.label}”（当前为“{ticket.state_label}”）。"
        )
    allowed = ACTION_FROM.get(action, ())
    if ticket.state not in allowed:
        states = "、".join(State(s).label for s in allowed)
        raise IllegalMove(
            f"{ticket.number}当前为“{ticket.state_label}”，不能{action.label}："
            f"只有处于“{states}”的事项可以{action.label}（由{ACTION_ROLE_TEXT[action]}操作）。"
        )


def _event(ticket, *, actor, action, before: str, note: str = "", data=None, at=None) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_state=before,
        to_state=ticket.state,
        note=note,
        data=data or {},
        at=at or timezone.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.TRANSITION if before != ticket.state else AuditAction.UPDATE,
        instance=ticket,
        changes={"state": [before, ticket.state]} if before != ticket.state else {},
        message=f"{Action(action).label}" + (f"：{note[:200]}" if note else ""),
    )
    return event


def _save(ticket, fields) -> None:
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def _close_checkpoints(ticket, kinds, status, day) -> int:
    """Settle the pending checkpoints of `kinds`. Done after its due day is recorded missed (late),
    with the day it was done, even when no daily run caught it in time."""
    pending = Checkpoint.objects.filter(ticket=ticket, kind__in=kinds, status=CheckpointStatus.PENDING)
    if status != CheckpointStatus.MET:
        return pending.update(status=status)
    late = pending.filter(due__lt=day).update(status=CheckpointStatus.MISSED, done_on=day, missed_on=day)
    return late + pending.update(status=CheckpointStatus.MET, done_on=day)


def _add_checkpoint(ticket, kind, due, label="") -> Checkpoint:
    seq = (Checkpoint.objects.filter(ticket=ticket, kind=kind).aggregate(m=Max("seq"))["m"] or 0) + 1
    return Checkpoint.objects.create(ticket=ticket, kind=kind, seq=seq, due=due, label=label)


def _refresh_deadline(ticket) -> None:
    """The ticket's deadline is its open solve checkpoint's due day (what the list colours)."""
    due = (
        Checkpoint.objects.filter(ticket=ticket, kind=CheckpointKind.SOLVE, status=CheckpointStatus.PENDING)
        .order_by("-seq")
        .values_list("due", flat=True)
        .first()
    )
    if due:
        ticket.deadline = due


def _notify_unit(ticket, *, kind, key, title, body="") -> int:
    ids = [pk for pks in unit_user_ids([ticket.lead_unit_id]).values() for pk in pks]
    return dispatch.notify(
        recipients=ids, kind=kind, key=key, title=title, body=body, url=ticket_url(ticket), obj=ticket
    )


# --- found ------------------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    actor,
    project,
    title: str,
    description: str = "",
    category: str,
    source: str,
    found_on: dt.date | None = None,
    meeting=None,
    source_decision=None,
    uploads=(),
) -> Ticket:
    """发现: register a problem on a project (already read through a scoped selector)."""
    if not permissions.can_report_problem(actor, project):
        raise PermissionDenied("只有专班办公室或项目所在单位的填报员、审核员可以登记问题。")
    title = (title or "").strip()
    if not title:
        raise TicketError("请填写问题标题。")
    if project is None:
        raise TicketError("请选择问题所在的项目。")
    checked = files.read_uploads(uploads)
    found_on = found_on or timezone.localdate()
    ticket = Ticket.objects.create(
        kind=MatterKind.PROBLEM,
        number=_next_number(found_on.year),
        title=title[:200],
        description=(description or "").strip(),
        project=project,
        category=category,
        source=source,
        meeting=meeting or (source_decision.meeting if source_decision else None),
        source_decision=source_decision,
        found_by=actor,
        found_on=found_on,
        on_clock=project.key_level in CLOCK_KEY_LEVELS,
        state=State.FOUND,
    )
    event = _event(
        ticket,
        at=_moment(found_on),
        actor=actor,
        action=Action.CREATE,
        before="",
        note=ticket.description[:500],
    )
    files.store(ticket=ticket, event=event, actor=actor, checked=checked)
    return ticket


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
