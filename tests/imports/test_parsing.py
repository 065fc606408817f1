"""Cell parsing: what a hand-typed ledger cell turns into."""

import datetime as dt
from decimal import Decimal

import pytest

from projects.importing.header import canonical_header, match_column
from projects.importing.parsing import (
    CellError,
    clean_text,
    compact,
    parse_code,
    parse_date,
    parse_money,
    parse_percent,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.5", Decimal("1234.50")),
        ("１２３４", Decimal("1234.00")),
        ("1234万元", Decimal("1234.00")),
        ("1.2亿", Decimal("12000.00")),
        ("3.5 亿元", Decimal("35000.00")),
        ("１２３４．５", Decimal("1234.50")),
        # A spreadsheet's number cell shows two decimals; its binary tail is nothing anyone typed.
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
    ("raw", "message"),
    [
        ("-5", "金额不能为负数"),
        ("-1.2亿", "金额不能为负数"),
        ("约100", "不是有效的金额"),
        # Typed 万元 keeps what was typed or is refused, never rounded behind the user's back (an amount
        # typed in 元 is converted, and only that conversion rounds to the cent of 万元).
        ("１，２３４．５６７", "金额最多保留两位小数（万元）"),
    ],
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


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2025年13月", "“2025年13月”不是有效的日期"),
        ("明年", "可写作 2025-03-01、2025/3/1、2025年3月、2025.3"),
        ("2025", "只有年份，请填写到月份，如 2025年3月"),
        ("2025年", "只有年份，请填写到月份，如 2025年3月"),
        (2025, "只有年份，请填写到月份，如 2025年3月"),
    ],
)
def test_bad_dates_say_how_to_write_them(raw, message):
    with pytest.raises(CellError, match=message):
        parse_date(raw)


def test_text_stays_as_typed_and_only_codes_and_comparisons_are_normalised():
    """Issue 14: 某某项目（二期） is not stored as 某某项目(二期); matching still sees them alike."""
    from projects.importing.parsing import normalised

    assert clean_text("  某某项目（二期），含：道路  ") == "某某项目（二期），含：道路"
    assert clean_text("  ＡＢＣ　１２３ ") == "ＡＢＣ　１２３"
    assert normalised("  ＡＢＣ　１２３ ") == "ABC 123"
    assert compact("某某项目（二期）") == compact("某某项目 (二期)") == "某某项目(二期)"
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


def test_a_project_code_typed_without_dashes_is_formatted():
    assert parse_code("25031405250401123456") == "2503-140525-04-01-123456"


def test_leader_names_with_titles_match_the_leader():
    from accounts.models import Organisation
    from projects.importing.matching import LeaderDirectory
    from projects.models import Leader

    zezhou = Organisation(pk=2, name="泽州县")
    leaders = LeaderDirectory(
        [Leader(pk=1, name="魏连明", organisation=zezhou), Leader(pk=2, name="马丰", organisation=zezhou)]
    )
    for text in ("魏连明", "魏连明（副县长）", "魏连明(副县长)", "魏连明 副县长", "魏连明副县长"):
        assert leaders.find(text).pk == 1, text
    assert leaders.find("马 丰").pk == 2  # the seed writes "马 丰"
    assert leaders.find("王某某") is None


def test_short_and_suffixless_unit_names_resolve():
    from accounts.choices import OrgKind
    from accounts.models import Organisation
    from projects.importing.matching import OrgDirectory

    city = Organisation(pk=1, name="晋城市", kind=OrgKind.CITY)
    zezhou = Organisation(pk=2, name="泽州县", kind=OrgKind.COUNTY, parent_id=1)
    zone = Organisation(pk=3, name="晋城经济技术开发区", kind=OrgKind.ZONE, parent_id=1)
    jtj = Organisation(pk=4, name="市交通运输局", short_name="市交通局", kind=OrgKind.DEPARTMENT, parent_id=1)
    bagong = Organisation(pk=5, name="巴公镇", kind=OrgKind.TOWN, parent_id=2)
    orgs = OrgDirectory([city, zezhou, zone, jtj, bagong])
    assert orgs.areas("泽州") == [zezhou] and orgs.areas("泽州县") == [zezhou]
    assert orgs.areas("开发区") == [zone] and orgs.areas("晋城经济技术开发区") == [zone]
    for text in ("市交通局", "市交通运输局", "晋城市交通运输局", "交通运输局"):
        assert orgs.departments(text) == [jtj], text
    assert orgs.towns("巴公") == [bagong]
    assert orgs.areas("平遥县") == []


def test_a_long_code_stored_as_a_number_is_refused_because_excel_dropped_its_tail():
    with pytest.raises(CellError, match="Excel 只保留前15位"):
        parse_code(2.50314052504011e19)
    assert parse_code(123456) == "123456"  # short numbers are kept (and then fail the format check)


# --- the one parser of amounts and dates: every entry path reads through these ------------------

MONEY_READ = [
    ("1,234.50", Decimal("1234.50")),
    ("１２３４．５", Decimal("1234.50")),
    ("1234万元", Decimal("1234.00")),
    ("1234万", Decimal("1234.00")),
    ("  1234.5  ", Decimal("1234.50")),
    ("１，２３４万元", Decimal("1234.00")),
    ("0.5亿元", Decimal("5000.00")),
    ("123456元", Decimal("12.35")),  # 元 has no place in 万元 with two decimals: rounded
    ("12.30", Decimal("12.30")),
    ("12.3400", Decimal("12.34")),  # trailing zeros are not extra precision
    ("1.5e3", Decimal("1500.00")),
    ("0", Decimal("0.00")),
    ("999999999999.99", Decimal("999999999999.99")),
    (1234, Decimal("1234.00")),
    (1234.5, Decimal("1234.50")),
    (Decimal("1234.5"), Decimal("1234.50")),
    (None, None),
    ("", None),
    ("  ", None),
]


@pytest.mark.parametrize(("raw", "expected"), MONEY_READ)
def test_money_table(raw, expected):
    assert parse_money(raw) == expected


MONEY_REFUSED = [
    ("NaN", "invalid", "“NaN”不是有效的金额（万元）"),
    ("inf", "invalid", "“inf”不是有效的金额（万元）"),
    ("-Infinity", "invalid", "不是有效的金额"),
    (float("nan"), "invalid", "不是有效的金额"),
    (float("inf"), "invalid", "不是有效的金额"),
    (Decimal("NaN"), "invalid", "不是有效的金额"),
    (Decimal("Infinity"), "invalid", "不是有效的金额"),
    ("1e400", "too_large", "金额过大，请核对单位（万元）"),
    ("1e999999", "too_large", "金额过大"),
    ("1e20", "too_large", "金额过大"),
    (1e20, "too_large", "金额过大"),
    (10**400, "too_large", "金额过大"),
    ("1000000000000", "too_large", "金额过大"),
    ("1亿亿", "invalid", "不是有效的金额"),
    ("100000000亿", "too_large", "金额过大"),
    ("12.345", "decimals", "金额最多保留两位小数（万元）"),
    (Decimal("12.345"), "decimals", "金额最多保留两位小数"),
    ("1e-400", "decimals", "金额最多保留两位小数"),
    ("1.2345678亿", "decimals", "金额最多保留两位小数"),
    ("-5", "negative", "金额不能为负数"),
    (-5, "negative", "金额不能为负数"),
    ("-0.01万元", "negative", "金额不能为负数"),
    (True, "invalid", "不是有效的金额"),
    (dt.date(2025, 3, 1), "invalid", "不是有效的金额"),
    ("1.2.3", "invalid", "不是有效的金额"),
    ("1" * 100, "invalid", "不是有效的金额"),
]


@pytest.mark.parametrize(("raw", "code", "message"), MONEY_REFUSED)
def test_money_refusals_say_why_in_chinese(raw, code, message):
    with pytest.raises(CellError, match=message) as excinfo:
        parse_money(raw)
    assert excinfo.value.code == code


def test_a_field_can_word_the_money_messages_its_own_way():
    with pytest.raises(CellError, match="^本月完成投资不能为负数$"):
        parse_money("-5", messages={"negative": "本月完成投资不能为负数"})
    with pytest.raises(CellError, match="^“约一百”无法识别$"):
        parse_money("约一百", messages={"invalid": "“{text}”无法识别"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("85", Decimal("85.00")),
        ("85.5%", Decimal("85.50")),
        ("８５％", Decimal("85.00")),
        (" 100 ", Decimal("100.00")),
        (0, Decimal("0.00")),
        (33.333333, Decimal("33.33")),  # a spreadsheet number cell
        ("", None),
        (None, None),
    ],
)
def test_percent_table(raw, expected):
    assert parse_percent(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("NaN", "invalid"),
        ("1e400", "range"),
        ("100.5", "range"),
        ("-1", "range"),
        ("12.345", "decimals"),
        ("八成", "invalid"),
        (float("nan"), "invalid"),
    ],
)
def test_percent_refusals(raw, code):
    with pytest.raises(CellError) as excinfo:
        parse_percent(raw)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    "raw",
    [
        "2025-03-15",
        "2025/3/15",
        "2025.3.15",
        "2025年3月15日",
        "２０２５－０３－１５",
        " 2025-03-15 ",
        45731,
        45731.0,
        "45731",
        dt.datetime(2025, 3, 15, 8, 30),
        dt.date(2025, 3, 15),
    ],
)
def test_every_date_form_reads_as_the_same_day(raw):
    assert parse_date(raw) == dt.date(2025, 3, 15)


@pytest.mark.parametrize("raw", ["NaN", float("nan"), float("inf"), "1e400", 10**20, True, "2025-02-30"])
def test_impossible_dates_are_refused_with_a_chinese_message(raw):
    with pytest.raises(CellError, match="日期"):
        parse_date(raw)
