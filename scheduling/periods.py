"""Periods: months, quarters, 旬 and report due dates, in Asia/Shanghai.

The one place for calendar arithmetic of the reporting rhythm: monthly reports, reminders
(scheduling) and ticket deadlines (issues) all count periods with these functions; it sits in
scheduling, the lowest app that counts time, so every app above may import it. Working days
(holidays, 调休) are `scheduling`'s calendar; this module knows only the civil calendar. 时间进度
(N/12) is a figure and rounds like one: `reporting.measures.time_progress`.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.utils import timezone

Period = tuple[int, int]  # (year, month)


def today() -> dt.date:
    """Today in Asia/Shanghai (settings.TIME_ZONE)."""
    return timezone.localdate()


def previous_month(year: int, month: int) -> Period:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_month(year: int, month: int) -> Period:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def add_months(year: int, month: int, n: int) -> Period:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def iter_months(start: Period, end: Period):
    """Every (year, month) from `start` to `end`, both included."""
    y, m = start
    while (y, m) <= end:
        yield y, m
        y, m = next_month(y, m)


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def quarter_months(quarter: int) -> tuple[int, int, int]:
    first = (quarter - 1) * 3 + 1
    return first, first + 1, first + 2


def is_quarter_end(month: int) -> bool:
    return month % 3 == 0


def xun_of(day: dt.date) -> int:
    """旬 of a day: 1 (1st–10th), 2 (11th–20th), 3 (21st to the month's end)."""
    return 1 if day.day <= 10 else 2 if day.day <= 20 else 3


def xun_bounds(year: int, month: int, xun: int) -> tuple[dt.date, dt.date]:
    """First and last day of 旬 `xun` (1–3) of a month."""
    if xun == 1:
        return dt.date(year, month, 1), dt.date(year, month, 10)
    if xun == 2:
        return dt.date(year, month, 11), dt.date(year, month, 20)
    return dt.date(year, month, 21), month_end(year, month)


def xun_label(xun: int) -> str:
    return {1: "上旬", 2: "中旬", 3: "下旬"}[xun]


def report_due_day(year: int, month: int) -> int:
    """The day of month a report for the PREVIOUS month is due in (year, month).

    settings.REPORT_DUE_DAY: 1–28 as it is; above 28 it means the month's last day (so 31 is the
    end of every month, 29 in a leap February); below 1 counts as 1.
    """
    day = int(settings.REPORT_DUE_DAY)
    last = calendar.monthrange(year, month)[1]
    if day > 28:
        return last
    return max(day, 1)


def due_date(year: int, month: int) -> dt.date:
    """Reports for (year, month) are due on REPORT_DUE_DAY of the next month."""
    y, m = next_month(year, month)
    return dt.date(y, m, report_due_day(y, m))


def default_period(day: dt.date | None = None) -> Period:
    """The month a unit reports by default: the previous calendar month."""
    day = day or today()
    return previous_month(day.year, day.month)


def parse_period(data, day: dt.date | None = None) -> Period:
    """(year, month) from query parameters, never in the future; the default period when absent or bad."""
    day = day or today()
    default = default_period(day)
    try:
        year = int(data.get("year") or default[0])
        month = int(data.get("month") or default[1])
    except (TypeError, ValueError):
        return default
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return default
    if (year, month) > (day.year, day.month):
        return default
    return year, month


def period_choices(day: dt.date | None = None, back: int = 24) -> list[Period]:
    """The latest `back` months up to this one, newest first (a period picker)."""
    day = day or today()
    y, m = day.year, day.month
    result = []
    for _ in range(back):
        result.append((y, m))
        y, m = previous_month(y, m)
    return result


def last_due_period(day: dt.date | None = None) -> Period:
    """The latest month whose reports were due before `day` (what a digest or bulletin on `day`
    reports on): the previous month once its due day has passed, else the month before it."""
    day = day or today()
    year, month = previous_month(day.year, day.month)
    if day > due_date(year, month):
        return year, month
    return previous_month(year, month)
