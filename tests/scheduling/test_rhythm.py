"""When each schedule fires: the due day, Fridays, 旬, months; moved to the working day before a
holiday; period keys that do not change when the time does. Frozen dates, real calendar."""

import datetime as dt

import pytest

from scheduling.models import Schedule
from scheduling.rhythm import current_occurrence, describe, next_occurrence, occurrences_between

from .conftest import at

pytestmark = pytest.mark.django_db


def fires(code: str, start: str, end: str):
    schedule = Schedule.objects.get(code=code)
    return [
        (o.key, o.fire_at.strftime("%Y-%m-%d %H:%M"))
        for o in occurrences_between(schedule, at(start), at(end))
    ]


def test_report_due_reminder_two_working_days_before_the_due_day():
    # Reports for October are due 5 November 2026 (a Thursday): remind on Tuesday the 3rd.
    assert fires("report_due", "2026-11-01 00:00", "2026-11-30 00:00") == [("2026-10", "2026-11-03 09:00")]


def test_a_due_day_on_a_saturday_counts_back_working_days():
    # 5 December 2026 is a Saturday: two working days before it are Thursday 3rd (Fri 4th is one).
    assert fires("report_due", "2026-12-01 00:00", "2026-12-31 00:00") == [("2026-11", "2026-12-03 09:00")]


def test_the_missing_list_goes_out_the_working_day_after_the_due_day():
    assert fires("report_missing", "2026-12-01 00:00", "2026-12-31 00:00") == [
        ("2026-11", "2026-12-07 09:00")
    ]
    # 国庆: reports for September due 5 October (holiday); the next working day is 8 October.
    assert fires("report_missing", "2026-10-01 00:00", "2026-10-31 00:00") == [
        ("2026-09", "2026-10-08 09:00")
    ]


def test_year_end_the_december_report_is_keyed_to_december():
    keys = fires("report_due", "2026-12-15 00:00", "2027-01-31 00:00")
    assert [k for k, _ in keys] == ["2026-12"]
    assert keys[0][1].startswith("2027-01-")


def test_spring_festival_the_due_reminder_moves_before_the_holiday():
    # January's reports are due 5 February 2026 (Thursday): remind Tuesday 3rd.
    assert fires("report_due", "2026-02-01 00:00", "2026-02-28 00:00") == [("2026-01", "2026-02-03 09:00")]


def test_friday_digest_on_a_holiday_friday_is_sent_the_working_day_before():
    # Friday 20 February 2026 is in the Spring Festival holiday; Saturday 14th is a 调休 working day.
    found = fires("friday_digest", "2026-02-09 00:00", "2026-02-23 00:00")
    assert found == [("2026-W07", "2026-02-13 08:30"), ("2026-W08", "2026-02-14 08:30")]


def test_xun_on_the_1st_11th_and_21st_and_a_holiday_xun_moves_back():
    found = fires("xun_approvals", "2026-02-01 00:00", "2026-03-01 00:00")
    # 1 Feb is a Sunday → Friday 30 January, before the window; 11th Wed; 21st (holiday) → 14th (调休
    # Saturday); 1 March is a Sunday → Saturday 28 February, a 调休 working day.
    assert found == [
        ("2026-02-x2", "2026-02-11 09:00"),
        ("2026-02-x3", "2026-02-14 09:00"),
        ("2026-03-x1", "2026-02-28 09:00"),
    ]
    assert fires("xun_approvals", "2026-01-29 00:00", "2026-01-31 00:00") == [
        ("2026-02-x1", "2026-01-30 09:00")
    ]


def test_a_day_31_schedule_fires_on_29_february_in_a_leap_year():
    schedule = Schedule.objects.get(code="monthly_bulletin")
    schedule.day_of_month = 31
    schedule.months = "2"
    found = occurrences_between(schedule, at("2028-02-01 00:00"), at("2028-03-31 00:00"))
    assert [(o.key, o.nominal_date) for o in found] == [("2028-02", dt.date(2028, 2, 29))]
    found = occurrences_between(schedule, at("2027-02-01 00:00"), at("2027-03-31 00:00"))
    # 28 February 2027 is a Sunday: sent on Friday 26th.
    assert [(o.nominal_date, o.fire_at.date()) for o in found] == [
        (dt.date(2027, 2, 28), dt.date(2027, 2, 26))
    ]


def test_report_due_day_past_28_means_the_last_day_of_the_month(settings):
    settings.REPORT_DUE_DAY = 31
    schedule = Schedule.objects.get(code="report_missing")
    found = occurrences_between(schedule, at("2028-02-15 00:00"), at("2028-04-30 00:00"))
    # January 2028's reports are due on 29 February (leap year), February's on 31 March (a Friday):
    # the working day after each is 1 March and Monday 3 April.
    assert [(o.key, o.nominal_date, o.fire_at.date()) for o in found] == [
        ("2028-01", dt.date(2028, 2, 29), dt.date(2028, 3, 1)),
        ("2028-02", dt.date(2028, 3, 31), dt.date(2028, 4, 3)),
    ]


def test_bimonthly_and_quarterly_months():
    assert [k for k, _ in fires("horse_race", "2026-01-01 00:00", "2026-12-31 23:59")] == [
        "2026-02",
        "2026-04",
        "2026-06",
        "2026-08",
        "2026-10",
        "2026-12",
    ]
    assert [k for k, _ in fires("reserve_review", "2026-01-01 00:00", "2026-12-31 23:59")] == [
        "2026-03",
        "2026-06",
        "2026-09",
        "2026-12",
    ]


def test_the_window_is_open_at_the_start_and_closed_at_the_end():
    assert fires("report_due", "2026-11-03 09:00", "2026-11-03 10:00") == []
    assert fires("report_due", "2026-11-03 08:59", "2026-11-03 09:00") == [("2026-10", "2026-11-03 09:00")]


def test_next_and_current_occurrence():
    schedule = Schedule.objects.get(code="friday_digest")
    assert next_occurrence(schedule, at("2026-11-26 10:00")).fire_at == at("2026-11-27 08:30")
    assert current_occurrence(schedule, at("2026-11-26 10:00")).key == "2026-W48"  # tomorrow, not last week
    assert current_occurrence(schedule, at("2026-11-23 10:00")).key == "2026-W47"  # last Friday is nearer


def test_describe_says_it_in_chinese():
    assert describe(Schedule.objects.get(code="friday_digest")) == "每周五 08:30（遇节假日提前至前一工作日）"
    assert describe(Schedule.objects.get(code="report_due")) == "每月月报截止日前2个工作日 09:00"
    assert describe(Schedule.objects.get(code="report_missing")) == "每月月报截止日后第1个工作日 09:00"
    assert describe(Schedule.objects.get(code="horse_race")).startswith("双月（2、4、6、8、10、12月）20日")
    assert describe(Schedule.objects.get(code="reserve_review")).startswith("每季度（3、6、9、12月）15日")


def test_a_daily_schedule_fires_on_working_days_only():
    schedule = Schedule(code="daily_hook", rhythm="daily", time=dt.time(8, 0), title_template="t")
    found = occurrences_between(schedule, at("2026-02-12 00:00"), at("2026-02-25 00:00"))
    assert [o.key for o in found] == ["2026-02-12", "2026-02-13", "2026-02-14", "2026-02-24"]
    assert describe(schedule) == "每个工作日 08:00"
