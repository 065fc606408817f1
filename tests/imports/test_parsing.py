"""Cell parsing: what a hand-typed ledger cell turns into."""

import datetime as dt
from decimal import Decimal

import pytest

from projects.importing.ledger import canonical_header, match_column
from projects.importing.parsing import CellError, clean_text, parse_code, parse_date, parse_money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.5", Decimal("1234.50")),
        ("１２３４", Decimal("1234.00")),
        ("1234万元", Decimal("1234.00")),
        ("1.2亿", Decimal("12000.00")),
        ("3.5 亿元", Decimal("35000.00")),
        ("１，２３４．５６７", Decimal("1234.57")),
        (1234.567, Decimal("1234.57")),
        (0.1 + 0.2, Decimal("0.30")),
        (5000, Decimal("5000.00")),
        ("", None),
        ("—", None),
        (None, None),
    ],
)
def test_money_is_read_as_wan_yuan_with_two_decimals(raw, expected):
    assert parse_money(raw) == expected


def test_money_in_a_yi_yuan_column_is_converted():
    assert parse_money("1.5", multiplier=Decimal(10000)) == Decimal("15000.00")


@pytest.mark.parametrize(
    ("raw", "message"), [("-5", "金额不能为负数"), ("-1.2亿", "金额不能为负数"), ("约100", "不是有效的金额")]
)
def test_bad_money_says_why(raw, message):
    with pytest.raises(CellError, match=message):
        parse_money(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-01", dt.date(2025, 3, 1)),
        ("2025/3/1", dt.date(2025, 3, 1)),
        ("2025年3月", dt.date(2025, 3, 1)),
        ("2025年3月15日", dt.date(2025, 3, 15)),
        ("2025.3", dt.date(2025, 3, 1)),
        ("2025.10", dt.date(2025, 10, 1)),
        ("２０２５．３", dt.date(2025, 3, 1)),
        (2025.3, dt.date(2025, 3, 1)),
        (2025.12, dt.date(2025, 12, 1)),
        (45717, dt.date(2025, 3, 1)),
        ("45717", dt.date(2025, 3, 1)),
        (dt.datetime(2025, 3, 1, 0, 0), dt.date(2025, 3, 1)),
        ("", None),
    ],
)
def test_dates_in_every_format_people_type(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2025年13月", "明年", "2025", 2025])
def test_bad_dates_say_how_to_write_them(raw):
    with pytest.raises(CellError):
        parse_date(raw)


def test_full_width_text_and_codes_are_normalised():
    assert clean_text("  ＡＢＣ　１２３ ") == "ABC 123"
    assert parse_code("２５０３－１４０５２５－０４－０１－１２３４５６") == "2503-140525-04-01-123456"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("项目 名称", "name"),
        ("项目\n编码", "code"),
        ("业主单位", "construction_unit"),
        ("县（市、区）", "county"),
        ("所在县区", "county"),
        ("牵头单位", "department"),
        ("行业主管部门", "department"),
        ("计划总投资\n（万元）", "total_investment"),
        ("2025年计划投资", "annual_plan"),
        ("2026年度计划投资（万元）", "annual_plan"),
        ("年度计划投资", "annual_plan"),
        ("开工时间", "planned_start"),
        ("包联市领导", "liaison_leader"),
        ("产业类别", "industry"),
        ("*建设内容", "content"),
    ],
)
def test_header_aliases(header, field):
    column, _year = match_column(header)
    assert column.field == field


def test_header_year_is_read_from_the_annual_plan_column():
    assert match_column("2026年计划投资")[1] == 2026
    assert canonical_header(" 总投资\n（万元） ") == "总投资"
