"""The API's money and date fields read input with the portal's one parser and keep the JSON output."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework import serializers

from projects.api.fields import ChineseDateField, MoneyField, PercentField


class Amounts(serializers.Serializer):
    amount = MoneyField(required=False, allow_null=True)
    required_amount = MoneyField(required=False)
    percent = PercentField(required=False, allow_null=True)
    day = ChineseDateField(required=False, allow_null=True)


def read(**data):
    serializer = Amounts(data=data)
    return serializer.is_valid(), serializer.validated_data if serializer.is_valid() else serializer.errors


@pytest.mark.parametrize(
    ("sent", "amount"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("１２３４．５", Decimal("1234.50")),
        ("1234万元", Decimal("1234.00")),
        ("0.5亿", Decimal("5000.00")),
        (1234, Decimal("1234.00")),
        (1234.5, Decimal("1234.50")),
        ("", None),
        (None, None),
    ],
)
def test_money_is_read_as_people_type_it(sent, amount):
    assert read(amount=sent) == (True, {"amount": amount})


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("NaN", "“NaN”不是有效的金额（万元）"),
        ("1e400", "金额过大，请核对单位（万元）"),
        ("1e20", "金额过大，请核对单位（万元）"),
        (1e20, "金额过大，请核对单位（万元）"),
        ("12.345", "金额最多保留两位小数（万元）"),
        (12.345, "金额最多保留两位小数（万元）"),
        ("-5", "金额不能为负数"),
        (True, "不是有效的金额"),
        ([1, 2], "不是有效的金额"),
    ],
)
def test_unreadable_money_is_a_chinese_field_error(sent, message):
    ok, errors = read(amount=sent)
    assert not ok and message in str(errors["amount"][0])


def test_a_null_where_none_is_allowed_is_refused_in_chinese():
    ok, errors = read(required_amount=None)
    assert not ok and errors["required_amount"] == ["该字段不能为空。"]


@pytest.mark.parametrize(
    ("sent", "day"),
    [
        ("2025-03-15", dt.date(2025, 3, 15)),
        ("2025/3/15", dt.date(2025, 3, 15)),
        ("2025.3.15", dt.date(2025, 3, 15)),
        ("2025年3月15日", dt.date(2025, 3, 15)),
        (45731, dt.date(2025, 3, 15)),
        (None, None),
    ],
)
def test_dates_are_read_in_every_ledger_form(sent, day):
    assert read(day=sent) == (True, {"day": day})


@pytest.mark.parametrize("sent", ["明天", "2025-02-30", "NaN", True, {"year": 2025}])
def test_unreadable_dates_are_a_chinese_field_error(sent):
    ok, errors = read(day=sent)
    assert not ok and "日期" in str(errors["day"][0])


@pytest.mark.parametrize(("sent", "percent"), [("85.5%", Decimal("85.50")), ("８５％", Decimal("85.00"))])
def test_percentages_are_read_with_or_without_the_sign(sent, percent):
    assert read(percent=sent) == (True, {"percent": percent})


def test_output_is_unchanged_two_decimal_strings_and_iso_dates():
    out = Amounts(
        {
            "amount": Decimal("2146.21000000000"),  # a SQLite sum
            "required_amount": Decimal("5"),
            "percent": None,
            "day": dt.date(2025, 3, 15),
        }
    ).data
    assert dict(out) == {"amount": "2146.21", "required_amount": "5.00", "percent": None, "day": "2025-03-15"}
