"""`projects.periods`: the civil-calendar arithmetic of the reporting rhythm, at its edges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from scheduling import periods

D = dt.date


@pytest.mark.parametrize(
    ("year", "month", "previous", "following"),
    [(2026, 1, (2025, 12), (2026, 2)), (2025, 12, (2025, 11), (2026, 1)), (2024, 2, (2024, 1), (2024, 3))],
)
def test_previous_and_next_month_cross_the_year(year, month, previous, following):
    assert periods.previous_month(year, month) == previous
    assert periods.next_month(year, month) == following


def test_add_months_forward_backward_and_across_years():
    assert periods.add_months(2025, 11, 3) == (2026, 2)
    assert periods.add_months(2026, 2, -3) == (2025, 11)
    assert periods.add_months(2026, 1, -13) == (2024, 12)
    assert periods.add_months(2026, 5, 0) == (2026, 5)


def test_month_bounds_and_iteration():
    assert periods.month_start(2024, 2) == D(2024, 2, 1)
    assert periods.month_end(2024, 2) == D(2024, 2, 29)
    assert periods.month_end(2025, 2) == D(2025, 2, 28)
    assert list(periods.iter_months((2025, 11), (2026, 2))) == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert list(periods.iter_months((2026, 3), (2026, 2))) == []


def test_quarters():
    assert [periods.quarter_of(m) for m in (1, 3, 4, 6, 7, 10, 12)] == [1, 1, 2, 2, 3, 4, 4]
    assert periods.quarter_months(3) == (7, 8, 9)
    assert [m for m in range(1, 13) if periods.is_quarter_end(m)] == [3, 6, 9, 12]


def test_xun_of_a_day_and_its_bounds():
    assert [periods.xun_of(D(2024, 2, d)) for d in (1, 10, 11, 20, 21, 29)] == [1, 1, 2, 2, 3, 3]
    assert periods.xun_bounds(2024, 2, 3) == (D(2024, 2, 21), D(2024, 2, 29))
    assert periods.xun_bounds(2025, 2, 3) == (D(2025, 2, 21), D(2025, 2, 28))
    assert periods.xun_bounds(2026, 10, 2) == (D(2026, 10, 11), D(2026, 10, 20))
    assert periods.xun_label(3) == "下旬"


@pytest.mark.parametrize(
    ("due_day", "year", "month", "due"),
    [
        (5, 2026, 10, D(2026, 11, 5)),
        (5, 2025, 12, D(2026, 1, 5)),  # December's report is due in the next year
        (31, 2024, 1, D(2024, 2, 29)),  # above 28: the last day, a leap February included
        (31, 2025, 1, D(2025, 2, 28)),
        (30, 2026, 3, D(2026, 4, 30)),
        (29, 2026, 6, D(2026, 7, 31)),
        (0, 2026, 6, D(2026, 7, 1)),  # below 1 counts as the 1st
    ],
)
def test_due_date_follows_the_setting(settings, due_day, year, month, due):
    settings.REPORT_DUE_DAY = due_day
    assert periods.due_date(year, month) == due


def test_parse_period_never_runs_into_the_future():
    today = D(2026, 11, 26)
    assert periods.default_period(today) == (2026, 10)
    assert periods.default_period(D(2026, 1, 3)) == (2025, 12)
    assert periods.parse_period(QueryDict("year=2026&month=11"), today) == (2026, 11)
    assert periods.parse_period(QueryDict("year=2026&month=12"), today) == (2026, 10)  # future → default
    assert periods.parse_period(QueryDict("year=abc&month=3"), today) == (2026, 10)
    assert periods.parse_period(QueryDict("year=2026&month=13"), today) == (2026, 10)
    assert periods.parse_period(QueryDict("year=2024&month=2"), today) == (2024, 2)


def test_period_choices_are_the_latest_months_newest_first():
    assert periods.period_choices(D(2026, 2, 10), back=4) == [(2026, 2), (2026, 1), (2025, 12), (2025, 11)]
