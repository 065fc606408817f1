"""The working-day calendar: weekdays work, except the State Council's holidays; 调休 weekends work."""

import datetime as dt

import pytest

from scheduling import calendar, services
from scheduling.calendar import WorkCalendar, arrangement_from_package
from scheduling.models import Workday

pytestmark = pytest.mark.django_db

D = dt.date


def test_the_seeded_table_holds_2024_to_2026_from_the_package():
    for year in (2024, 2025, 2026):
        assert Workday.objects.filter(date__year=year).exists(), year
    assert Workday.objects.get(date=D(2026, 2, 17)).name == "春节"
    assert Workday.objects.get(date=D(2026, 10, 1)).name == "国庆节"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 11, 26), True),  # an ordinary Thursday
        (D(2026, 11, 28), False),  # an ordinary Saturday
        (D(2026, 2, 16), False),  # 春节, a Monday
        (D(2026, 2, 14), True),  # 调休: Saturday worked before 春节
        (D(2026, 2, 28), True),  # 调休: Saturday worked after 春节
        (D(2026, 10, 8), True),  # first day back after 国庆
        (D(2026, 10, 10), True),  # 国庆调休 Saturday
        (D(2025, 10, 6), False),  # 中秋 inside 国庆 2025
        (D(2024, 2, 29), True),  # leap day, a Thursday
    ],
)
def test_is_working_day(day, working):
    assert calendar.is_working_day(day) is working


def test_n_working_days_after_and_before_cross_the_spring_festival():
    # Friday 13 Feb 2026, then 调休 Saturday 14th works, then 15–23 off.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert calendar.add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 24), -2) == D(2026, 2, 13)
    # n = 0: the day itself, or the working day before it when it is a holiday.
    assert calendar.add_working_days(D(2026, 2, 18), 0) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 11, 26), 0) == D(2026, 11, 26)


def test_working_days_between_counts_after_start_up_to_end():
    assert calendar.working_days_between(D(2026, 11, 23), D(2026, 11, 27)) == 4
    assert calendar.working_days_between(D(2026, 11, 27), D(2026, 11, 23)) == -4
    assert calendar.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2


def test_an_admin_entry_overrides_the_weekday_rule(world):
    day = D(2026, 12, 14)  # a Monday
    assert calendar.is_working_day(day)
    services.workday_save(actor=world["admin"], date=day, is_working_day=False, name="临时放假")
    assert not calendar.is_working_day(day)
    services.workday_delete(actor=world["admin"], date=day)
    assert calendar.is_working_day(day)


def test_only_the_admin_edits_the_calendar(world):
    from django.core.exceptions import PermissionDenied

    for name in ("office", "zezhou", "leader"):
        with pytest.raises(PermissionDenied):
            services.workday_save(actor=world[name], date=D(2026, 12, 14), is_working_day=False)
    assert not Workday.objects.filter(date=D(2026, 12, 14)).exists()


def test_a_calendar_reads_each_year_once(django_assert_num_queries):
    cal = WorkCalendar()
    with django_assert_num_queries(1):
        for n in range(1, 200):
            cal.add_working_days(D(2026, 1, 5), n % 40)
            cal.is_working_day(D(2026, 3, n % 28 + 1))


def test_importing_a_year_keeps_the_admins_own_entries(world):
    Workday.objects.filter(date__year=2026).delete()
    Workday.objects.create(date=D(2026, 2, 16), is_working_day=True, name="本市另行安排")
    added = services.workdays_import_year(actor=world["admin"], year=2026)
    assert added == len(arrangement_from_package(2026)) - 1
    assert Workday.objects.get(date=D(2026, 2, 16)).name == "本市另行安排"
    assert services.workdays_import_year(actor=world["admin"], year=2026) == 0


def test_a_year_the_package_does_not_know_is_refused_with_a_message(world):
    from scheduling.exceptions import DispatchError

    with pytest.raises(DispatchError, match="尚未收录2099年"):
        services.workdays_import_year(actor=world["admin"], year=2099)
