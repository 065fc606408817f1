"""The 13710 clock counts working days on the Chinese calendar: weekends, the National Day week and
a 调休 Saturday (2026 data as seeded from the State Council's arrangement)."""

import datetime as dt

import pytest

from issues.choices import CheckpointKind, Complexity
from issues.clock import add_month, traffic_light
from projects.choices import KeyLevel
from scheduling.calendar import WorkCalendar

pytestmark = pytest.mark.django_db

D = dt.date


def dues(ticket):
    return {c.kind: c.due for c in ticket.checkpoints.all()}


@pytest.fixture
def key_project(world):
    world.zz_project.key_level = KeyLevel.CITY
    world.zz_project.save()
    return world.zz_project


def test_calendar_has_the_2026_national_day_week_and_its_adjusted_saturday(db):
    cal = WorkCalendar()
    assert not cal.is_working_day(D(2026, 10, 1)) and not cal.is_working_day(D(2026, 10, 7))
    assert cal.is_working_day(D(2026, 10, 10))  # 国庆节调休 Saturday
    assert cal.is_working_day(D(2026, 9, 20))  # 调休 Sunday before


def test_assigned_on_a_friday_the_clock_skips_the_weekend(world, assigned, key_project):
    ticket = assigned(day=D(2026, 11, 20))  # Friday
    assert ticket.on_clock
    assert dues(ticket) == {
        CheckpointKind.SIGN: D(2026, 11, 23),  # Monday
        CheckpointKind.FEEDBACK: D(2026, 11, 25),
        CheckpointKind.SOLVE: D(2026, 12, 1),  # 7 working days
    }
    assert ticket.deadline == D(2026, 12, 1)


def test_assigned_before_national_day_the_holiday_does_not_count(world, assigned, key_project):
    ticket = assigned(day=D(2026, 9, 29))  # Tuesday; 1–7 October off, Saturday 10 October worked
    # Working days after it: 30 Sep, 8, 9, 10 (Saturday, 调休), 12, 13, 14 October.
    assert dues(ticket) == {
        CheckpointKind.SIGN: D(2026, 9, 30),
        CheckpointKind.FEEDBACK: D(2026, 10, 9),
        CheckpointKind.SOLVE: D(2026, 10, 14),
    }


def test_the_adjusted_saturday_counts_as_a_working_day(world, assigned, key_project):
    ticket = assigned(day=D(2026, 10, 9))  # Friday before the 调休 Saturday
    assert dues(ticket)[CheckpointKind.SIGN] == D(2026, 10, 10)


def test_a_major_problem_gets_a_calendar_month(world, assigned, key_project):
    assert add_month(D(2026, 1, 31)) == D(2026, 2, 28)
    # 28 February 2026 is a 春节调休 Saturday, a working day: the month ends there.
    assert dues(assigned(day=D(2026, 1, 31), complexity=Complexity.MAJOR))[CheckpointKind.SOLVE] == D(
        2026, 2, 28
    )
    # A month from 1 March 2026 is Wednesday 1 April; from 3 January it is Tuesday 3 February.
    assert dues(assigned(day=D(2026, 3, 1), complexity=Complexity.MAJOR))[CheckpointKind.SOLVE] == D(
        2026, 4, 1
    )
    # A month from 5 September 2026 falls on Monday 5 October, in the National Day week: the 8th.
    assert dues(assigned(day=D(2026, 9, 5), complexity=Complexity.MAJOR))[CheckpointKind.SOLVE] == D(
        2026, 10, 8
    )


def test_a_ticket_off_the_track_gets_its_category_deadline(world, assigned):
    ticket = assigned(day=D(2026, 11, 20))  # 县 project with no key level, utilities: 15 working days
    assert not ticket.on_clock
    assert dues(ticket) == {CheckpointKind.SOLVE: WorkCalendar().add_working_days(D(2026, 11, 20), 15)}


def test_the_office_may_mark_any_ticket_for_13710(world, assigned):
    ticket = assigned(day=D(2026, 11, 20), on_clock=True)
    assert ticket.on_clock and CheckpointKind.SIGN in dues(ticket)


def test_an_earlier_deadline_than_the_rule_wins(world, assigned, key_project):
    ticket = assigned(day=D(2026, 11, 20), deadline=D(2026, 11, 26))
    assert ticket.deadline == D(2026, 11, 26)


def test_traffic_light(db):
    cal = WorkCalendar()
    today = D(2026, 11, 26)  # Thursday
    assert traffic_light(D(2026, 11, 25), today, cal) == "red"
    assert traffic_light(D(2026, 12, 1), today, cal) == "yellow"  # 3rd working day
    assert traffic_light(D(2026, 12, 2), today, cal) == ""
