"""Content of the daily ticket job and the weekly open-ticket digest (called by `issues/tasks.py`,
timed by `scheduling`).

The daily job (每个工作日 08:30), for the day it runs:
1. every checkpoint still pending after its due day is recorded missed (a conditional UPDATE, so
   two runs never both take it), and its matter is supervised one level up (专班办公室 → 分管副市长
   → 常务副市长 → 市长): the unit and the leader it reaches are told once per (matter, level);
2. every pending checkpoint due on the next working day is reminded to the handling unit, once
   per checkpoint;
3. each leader gets the day's list of the supervised matters at his level, the office all of them.
Queries grow with the checkpoints due and the supervised matters, not with all tickets.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q

from scheduling import services as dispatch
from scheduling.jobs import JobContext

from .choices import OPEN_STATES, CheckpointKind, CheckpointStatus, State, Supervision
from .models import Checkpoint, Ticket
from .recipients import LeaderBook, unit_user_ids
from .selectors import AGE_BUCKETS, supervised_open, unit_ages
from .services.tickets import _date, escalate, ticket_url

LIST_LIMIT = 30


def _checkpoints(q):
    return (
        Checkpoint.objects.filter(q, status=CheckpointStatus.PENDING, ticket__state__in=OPEN_STATES)
        .exclude(ticket__state=State.FOUND)
        .select_related("ticket__lead_unit", "ticket__responsible_leader", "ticket__project__liaison_leader")
        .order_by("due", "pk")
    )


def _remind_kind(ticket) -> str:
    return "decision_due" if ticket.is_decision else "ticket_checkpoint"


def record_missed(*, today, book: LeaderBook) -> tuple[int, int, int]:
    """Record every pending checkpoint due before `today` as missed and supervise its matter one
    level up. (missed, escalated, messages sent). A checkpoint is taken by a conditional UPDATE, so
    two runs at once never both escalate for it."""
    missed = escalated = sent = 0
    for checkpoint in _checkpoints(Q(due__lt=today)):
        with transaction.atomic():
            taken = Checkpoint.objects.filter(pk=checkpoint.pk, status=CheckpointStatus.PENDING).update(
                status=CheckpointStatus.MISSED, missed_on=today
            )
            if not taken:
                continue  # another run recorded it
            missed += 1
            ticket = Ticket.objects.select_for_update().get(pk=checkpoint.ticket_id)
            ticket.lead_unit = checkpoint.ticket.lead_unit
            ticket.responsible_leader = checkpoint.ticket.responsible_leader
            ticket.project = checkpoint.ticket.project
            before = ticket.supervision
            sent += escalate(
                ticket,
                actor=None,
                level=ticket.supervision + 1,
                today=today,
                note=f"“{checkpoint.title}”已于{_date(checkpoint.due)}到期未完成。",
                book=book,
                cause=f"checkpoint:{checkpoint.pk}",
            )
            escalated += 1 if ticket.supervision > before else 0
    return missed, escalated, sent


def ticket_daily(ctx: JobContext) -> None:
    today = ctx.fire_date
    cal = ctx.calendar
    book = LeaderBook()
    reminded = 0

    # 1. missed checkpoints → 督办 one level up.
    missed, escalated, sent = record_missed(today=today, book=book)
    ctx.sent += sent

    # 2. reminders one working day before each checkpoint.
    horizon = cal.add_working_days(today, 1)
    upcoming = list(_checkpoints(Q(due__gte=today, due__lte=horizon)))
    people = unit_user_ids({c.ticket.lead_unit_id for c in upcoming if c.ticket.lead_unit_id})
    for checkpoint in upcoming:
        ticket = checkpoint.ticket
        if checkpoint.kind == CheckpointKind.SIGN and ticket.state != State.ASSIGNED:
            continue
        ids = people.get(ticket.lead_unit_id, [])
        what = "议定事项" if ticket.is_decision else "问题"
        n = dispatch.notify(
            recipients=ids,
            kind=_remind_kind(ticket),
            key=f"ticket:{ticket.pk}:checkpoint:{checkpoint.pk}",
            title=f"【临近节点】{ticket.number}“{checkpoint.title}”将于{_date(checkpoint.due)}到期",
            body=(
                f"{ticket.lead_unit.display_name}：{what}“{ticket.title}”的节点“{checkpoint.title}”"
                f"将于{_date(checkpoint.due)}到期，逾期将列入督办并逐级上报。"
            ),
            url=ticket_url(ticket),
            obj=ticket,
        )
        ctx.sent += n
        reminded += 1 if n else 0

    # 3. the leaders' daily list of supervised matters.
    told = _supervised_lists(ctx, today, book)
    ctx.note(f"节点逾期{missed}个（督办升级{escalated}件），临近节点提醒{reminded}件，督办清单{told}人")


def _line(ticket, today, cal) -> str:
    late = (
        cal.working_days_between(ticket.deadline, today) if ticket.deadline and ticket.deadline < today else 0
    )
    unit = ticket.lead_unit.display_name if ticket.lead_unit else "待交办"
    overdue = f"，已逾期{late}个工作日" if late else ""
    return f"· {ticket.number} {ticket.title}（{unit}，{ticket.get_supervision_display()}{overdue}）"


def _supervised_lists(ctx, today, book) -> int:
    tickets = list(supervised_open())
    if not tickets:
        return 0
    cal = ctx.calendar
    by_user: dict[int, list] = defaultdict(list)
    for ticket in tickets:
        if ticket.supervision >= Supervision.VICE_MAYOR:
            for level in range(Supervision.VICE_MAYOR, ticket.supervision + 1):
                leaders, ids = book.reached(ticket, level)
                for pk in ids if leaders else []:
                    if ticket not in by_user[pk]:
                        by_user[pk].append(ticket)
    told = 0
    key = f"supervised:{today.isoformat()}"
    for user_id, mine in by_user.items():
        lines = [_line(t, today, cal) for t in mine[:LIST_LIMIT]]
        if len(mine) > LIST_LIMIT:
            lines.append(f"……等共{len(mine)}件")
        n = dispatch.notify(
            recipients=[user_id],
            kind="ticket_supervised_list",
            key=key,
            title=f"【督办日报】{_date(today)}升级至您的督办事项{len(mine)}件",
            body="\n".join(lines),
            url="/tickets/supervised/",
        )
        ctx.sent += n
        told += n
    lines = [_line(t, today, cal) for t in tickets[:LIST_LIMIT]]
    if len(tickets) > LIST_LIMIT:
        lines.append(f"……等共{len(tickets)}件")
    told += dispatch.notify(
        recipients=book.office,
        kind="ticket_supervised_list",
        key=key,
        title=f"【督办日报】{_date(today)}督办中的事项{len(tickets)}件",
        body="\n".join(lines),
        url="/tickets/supervised/",
    )
    return told


def ticket_weekly(ctx: JobContext) -> None:
    """Each handling unit's open matters by age (working days since assigned), oldest first."""
    today = ctx.fire_date
    ages = unit_ages(today=today, cal=ctx.calendar)
    people = unit_user_ids(list(ages))
    told = 0
    for unit_id, rows in ages.items():
        counts = [sum(1 for r in rows if lo <= r["age"] <= hi) for _, lo, hi in AGE_BUCKETS]
        summary = "；".join(f"{label}{n}件" for (label, _, _), n in zip(AGE_BUCKETS, counts, strict=True))
        oldest = [
            f"· {r['number']} {r['title']}：已{r['age']}个工作日（{r['state']}）" for r in rows[:LIST_LIMIT]
        ]
        unit = rows[0]["unit"]
        n = dispatch.notify(
            recipients=people.get(unit_id, []),
            kind="ticket_weekly",
            key=f"{ctx.key}:unit{unit_id}",
            title=f"【问题周报】{unit}未办结事项{len(rows)}件",
            body=f"按交办以来的工作日计：{summary}。\n" + "\n".join(oldest),
            url=f"/tickets/?unit={unit_id}&open=1&ordering=assigned_on",
        )
        ctx.sent += n
        told += 1 if n else 0
    ctx.note(f"{len(ages)}个承办单位有未办结事项，已发送{told}个单位")
