"""The Chinese working-day calendar: Monday–Friday, except the days in the `Workday` table.

One place answers "is D a working day" and "N working days after D"; reminders, due days and
ticket deadlines all use it. A `WorkCalendar` reads each year's exceptions once (one query per
year it touches), so a sweep or a page that asks many questions costs a query or two.
"""

from __future__ import annotations

import datetime as dt

from .models import Workday

# Longest stretch without a working day that the arithmetic will walk (Spring Festival is 9 days).
_MAX_WALK = 60


class WorkCalendar:
    def __init__(self):
        self._years: dict[int, dict[dt.date, bool]] = {}

    def _exceptions(self, year: int) -> dict[dt.date, bool]:
        if year not in self._years:
            self._years[year] = dict(
                Workday.objects.filter(date__year=year).values_list("date", "is_working_day")
            )
        return self._years[year]

    def preload(self, start: dt.date, end: dt.date) -> None:
        """Read the years from `start` to `end` in one query."""
        missing = [y for y in range(start.year, end.year + 1) if y not in self._years]
        if not missing:
            return
        for y in missing:
            self._years[y] = {}
        rows = Workday.objects.filter(date__year__in=missing).values_list("date", "is_working_day")
        for day, working in rows:
            self._years[day.year][day] = working

    def is_working_day(self, day: dt.date) -> bool:
        listed = self._exceptions(day.year).get(day)
        if listed is not None:
            return listed
        return day.weekday() < 5

    def on_or_before(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, else the last working day before it."""
        for _ in range(_MAX_WALK):
            if self.is_working_day(day):
                return day
            day -= dt.timedelta(days=1)
        raise ValueError("no working day within 60 days")

    def on_or_after(self, day: dt.date) -> dt.date:
        for _ in range(_MAX_WALK):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day within 60 days")

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n > 0) or before it (n < 0); n = 0 gives `day` itself if
        it is a working day, else the working day before it (a due day on a holiday is announced then)."""
        if n == 0:
            return self.on_or_before(day)
        step = dt.timedelta(days=1 if n > 0 else -1)
        left = abs(n)
        walked = 0
        while left:
            day += step
            walked += 1
            if walked > _MAX_WALK * max(1, abs(n)):
                raise ValueError("working-day walk ran away")
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        self.preload(start, end)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def year_is_listed(self, year: int) -> bool:
        """Whether the table holds the year's arrangement (every year has holidays, so none means unknown)."""
        return bool(self._exceptions(year))


def is_working_day(day: dt.date) -> bool:
    return WorkCalendar().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return WorkCalendar().add_working_days(day, n)


def previous_working_day_on_or_before(day: dt.date) -> dt.date:
    return WorkCalendar().on_or_before(day)


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    return WorkCalendar().on_or_after(day)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return WorkCalendar().working_days_between(start, end)


# --- seeding from the `chinesecalendar` package ----------------------------------------------

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def arrangement_from_package(year: int) -> list[tuple[dt.date, bool, str]]:
    """(date, is working day, name) of every day in `year` that the package says breaks the weekday
    rule, plus the weekend days inside a named holiday (so the calendar shows the whole 春节).

    Raises NotImplementedError when the package does not know the year yet."""
    import chinese_calendar

    rows = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
        weekend = day.weekday() >= 5
        name = HOLIDAY_NAMES.get(holiday, holiday or "")
        if weekend and not on_holiday:
            rows.append((day, True, f"{name}调休上班" if name else "调休上班"))
        elif on_holiday and (not weekend or holiday):
            rows.append((day, False, name))
        day += dt.timedelta(days=1)
    return rows
