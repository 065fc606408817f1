"""When a schedule fires: its occurrences in a time window, its next one, and how to say it in Chinese.

Every occurrence has a nominal date (the day the rhythm names: a Friday, the 1st of a 旬, the due
day …), a fire time on a working day, and a period key that names what it is about ("2026-W48",
"2026-11-x1", "2026-10"). The key, not the time, is what a run is claimed by: moving a schedule's
hour, a holiday shifting its day, or a sweep catching up after a missed slot never sends twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from . import periods
from .calendar import WorkCalendar
from .choices import WEEKDAYS, Anchor, Rhythm

XUN_STARTS = (1, 11, 21)
XUN_NAMES = {1: "上旬", 11: "中旬", 21: "下旬"}


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Occurrence:
    key: str
    label: str  # the period in Chinese: "2026年第48周", "2026年11月上旬", "2026年10月"
    nominal_date: dt.date
    fire_at: dt.datetime  # aware
    # The report month a REPORT_DUE schedule is about, or the month of the nominal date.
    year: int
    month: int


def _at(day: dt.date, schedule) -> dt.datetime:
    return dt.datetime.combine(day, schedule.time, tzinfo=local_tz())


def occurrences_between(
    schedule, start: dt.datetime, end: dt.datetime, cal: WorkCalendar | None = None
) -> list[Occurrence]:
    """Occurrences of `schedule` whose fire time lies in (start, end], in order."""
    cal = cal or WorkCalendar()
    tz = local_tz()
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    # Shifts to the working day before (or working-day offsets) move a fire date at most a few weeks
    # from its nominal date: look at nominal dates in a margin around the window.
    margin = dt.timedelta(days=40)
    cal.preload(first - margin, last + margin)
    found = [o for o in _candidates(schedule, first - margin, last + margin, cal) if start < o.fire_at <= end]
    return sorted(found, key=lambda o: o.fire_at)


def next_occurrence(
    schedule, after: dt.datetime, cal: WorkCalendar | None = None, done_keys=frozenset()
) -> Occurrence | None:
    """The first occurrence after `after` (within a year) whose period is not in `done_keys` (already
    run, e.g. caught up early or run by hand before its time), or None."""
    cal = cal or WorkCalendar()
    for weeks in (6, 60):
        found = [
            o
            for o in occurrences_between(schedule, after, after + dt.timedelta(weeks=weeks), cal)
            if o.key not in done_keys
        ]
        if found:
            return found[0]
    return None


def current_occurrence(schedule, now: dt.datetime, cal: WorkCalendar | None = None) -> Occurrence | None:
    """What "run now" means: of the last occurrence (within 40 days) and the next one, the one
    nearer to `now` — the reminder about to go out, or the one that just went out."""
    cal = cal or WorkCalendar()
    past = occurrences_between(schedule, now - dt.timedelta(days=40), now, cal)
    upcoming = next_occurrence(schedule, now, cal)
    candidates = [o for o in (past[-1] if past else None, upcoming) if o is not None]
    return min(candidates, key=lambda o: abs(o.fire_at - now), default=None)


def _candidates(schedule, start: dt.date, end: dt.date, cal: WorkCalendar):
    rhythm = schedule.rhythm
    months = set(schedule.month_list)
    if rhythm == Rhythm.DAILY:
        day = start
        while day <= end:
            if cal.is_working_day(day):
                yield Occurrence(
                    key=day.isoformat(),
                    label=f"{day.year}年{day.month}月{day.day}日",
                    nominal_date=day,
                    fire_at=_at(day, schedule),
                    year=day.year,
                    month=day.month,
                )
            day += dt.timedelta(days=1)
        return
    if rhythm == Rhythm.WEEKLY:
        weekday = schedule.weekday if schedule.weekday is not None else 4
        day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        while day <= end:
            iso = day.isocalendar()
            fire = cal.on_or_before(day)
            yield Occurrence(
                key=f"{iso.year}-W{iso.week:02d}",
                label=f"{iso.year}年第{iso.week}周",
                nominal_date=day,
                fire_at=_at(fire, schedule),
                year=day.year,
                month=day.month,
            )
            day += dt.timedelta(days=7)
        return
    for year, month in periods.iter_months((start.year, start.month), (end.year, end.month)):
        if months and month not in months:
            continue
        if rhythm == Rhythm.XUN:
            for n, first_day in enumerate(XUN_STARTS, start=1):
                day = dt.date(year, month, first_day)
                yield Occurrence(
                    key=f"{year}-{month:02d}-x{n}",
                    label=f"{year}年{month}月{XUN_NAMES[first_day]}",
                    nominal_date=day,
                    fire_at=_at(cal.on_or_before(day), schedule),
                    year=year,
                    month=month,
                )
        elif schedule.anchor == Anchor.REPORT_DUE:
            ry, rm = periods.previous_month(year, month)
            due = periods.due_date(ry, rm)
            fire = cal.add_working_days(due, schedule.offset_working_days)
            yield Occurrence(
                key=f"{ry}-{rm:02d}",
                label=f"{ry}年{rm}月",
                nominal_date=due,
                fire_at=_at(fire, schedule),
                year=ry,
                month=rm,
            )
        else:
            day = dt.date(year, month, min(schedule.day_of_month or 1, periods.month_end(year, month).day))
            yield Occurrence(
                key=f"{year}-{month:02d}",
                label=f"{year}年{month}月",
                nominal_date=day,
                fire_at=_at(cal.on_or_before(day), schedule),
                year=year,
                month=month,
            )


def describe(schedule) -> str:
    """The schedule's timing as the office reads it: "每周五 08:30（遇节假日提前至前一工作日）"."""
    at = schedule.time.strftime("%H:%M") if hasattr(schedule.time, "strftime") else str(schedule.time)[:5]
    months = schedule.month_list
    if months == [2, 4, 6, 8, 10, 12]:
        every = "双月（2、4、6、8、10、12月）"
    elif len(months) == 4 and all(b - a == 3 for a, b in zip(months, months[1:], strict=False)):
        every = f"每季度（{'、'.join(str(m) for m in months)}月）"
    elif months:
        every = f"{'、'.join(str(m) for m in months)}月"
    else:
        every = "每月"
    shift = "（遇节假日提前至前一工作日）"
    if schedule.rhythm == Rhythm.DAILY:
        return f"每个工作日 {at}"
    if schedule.rhythm == Rhythm.WEEKLY:
        return f"每{dict(WEEKDAYS).get(schedule.weekday, '周五')} {at}{shift}"
    if schedule.rhythm == Rhythm.XUN:
        prefix = "每旬首日（每月1日、11日、21日）" if not months else f"{every}每旬首日（1日、11日、21日）"
        return f"{prefix}{at}{shift}"
    if schedule.anchor == Anchor.REPORT_DUE:
        n = schedule.offset_working_days
        if n < 0:
            rel = f"月报截止日前{-n}个工作日"
        elif n > 0:
            rel = f"月报截止日后第{n}个工作日"
        else:
            rel = "月报截止日当天"
        return f"{every}{rel} {at}"
    return f"{every}{schedule.day_of_month or 1}日 {at}{shift}"
