"""The 13710 clock on the Chinese working-day calendar (DOMAIN §6).

From the day a matter is assigned (A):
  1 — signed for and work deployed by the 1st working day after A;
  3 — feedback on how it is handled by the 3rd working day;
  7 — an ordinary problem solved by the 7th working day;
  1 — a 重大复杂 one solved within one calendar month (else a timetable with dated milestones
      and progress reports every N working days);
  0 — struck off only after the enterprise is satisfied (recorded when it is closed).
A matter off the track has one checkpoint: its deadline, by default the category's working days.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt

from scheduling.calendar import WorkCalendar

from .choices import DEFAULT_CATEGORY_DAYS, CheckpointKind, Complexity, MatterKind

SIGN_DAYS = 1
FEEDBACK_DAYS = 3
SOLVE_DAYS = 7
DEFAULT_PROGRESS_EVERY = 10  # working days between progress reports of a suspended or timetabled matter
REMIND_BEFORE = 1  # working days before a checkpoint that its reminder goes out
DUE_SOON = 3  # working days: the list's yellow light


def add_month(day: dt.date) -> dt.date:
    """The same day a calendar month later (31 January → 28/29 February)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def category_days(category: str) -> int:
    from .models import CategoryDeadline

    row = CategoryDeadline.objects.filter(category=category).values_list("working_days", flat=True).first()
    return row or DEFAULT_CATEGORY_DAYS.get(category, 15)


def solve_due(ticket, assigned_on: dt.date, cal: WorkCalendar, deadline: dt.date | None = None) -> dt.date:
    """When the matter must be solved: the 13710 rule (an earlier deadline wins), a decision's own
    deadline, or the deadline given / the category's default."""
    if ticket.kind == MatterKind.DECISION and deadline:
        return deadline
    if ticket.on_clock:
        if ticket.complexity == Complexity.MAJOR:
            rule = cal.on_or_after(add_month(assigned_on))
        else:
            rule = cal.add_working_days(assigned_on, SOLVE_DAYS)
        return min(rule, deadline) if deadline else rule
    if deadline:
        return deadline
    return cal.add_working_days(assigned_on, category_days(ticket.category))


def assignment_checkpoints(ticket, assigned_on: dt.date, cal: WorkCalendar, deadline=None) -> list[tuple]:
    """[(kind, due, label)] the matter owes from its assignment."""
    solve = solve_due(ticket, assigned_on, cal, deadline)
    points = []
    if ticket.on_clock:
        points.append(
            (CheckpointKind.SIGN, cal.add_working_days(assigned_on, SIGN_DAYS), "1个工作日内签收并部署")
        )
        points.append(
            (
                CheckpointKind.FEEDBACK,
                cal.add_working_days(assigned_on, FEEDBACK_DAYS),
                "3个工作日内反馈办理情况",
            )
        )
        label = (
            "一个月内解决或制定时间表"
            if ticket.complexity == Complexity.MAJOR and ticket.kind == MatterKind.PROBLEM
            else ("按议定时限办结" if ticket.kind == MatterKind.DECISION else "7个工作日内办结")
        )
        points.append((CheckpointKind.SOLVE, solve, label))
    else:
        points.append((CheckpointKind.SOLVE, solve, "限期办结"))
    return points


def traffic_light(deadline: dt.date | None, today: dt.date, cal: WorkCalendar) -> str:
    """'red' when past its deadline, 'yellow' within DUE_SOON working days, else ''."""
    if deadline is None:
        return ""
    if deadline < today:
        return "red"
    if deadline <= cal.add_working_days(today, DUE_SOON):
        return "yellow"
    return ""
