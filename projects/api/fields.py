"""API fields that read amounts and dates with the portal's one parser (`projects.parsing`).

A client may send what a person would type in the grid or the ledger ("1,234.50", "１２３４．５",
"1234万元", "2025年3月15日"); what cannot be read is a 400 with the parser's Chinese message, never a
500. Output is unchanged: money as a string with two decimals, dates as ISO 8601.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..money import as_money
from ..parsing import CellError, parse_date, parse_money, parse_percent

MONEY_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "description": "万元，两位小数。写入时也可写作 1,234.50、1234万元、1.2亿。",
}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """万元 with two decimals, written as a string ("1234.50"), like DRF's DecimalField did.

    `messages` words the parser's refusals for one field (see `projects.parsing.MONEY_MESSAGES`).
    """

    default_error_messages = {"null": "该字段不能为空。", "required": "该字段是必填项。"}
    parse = staticmethod(parse_money)

    def __init__(self, *, messages: dict | None = None, **kwargs):
        self.messages = messages
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, float):
            # A JSON number is exact as the client wrote it (12.345 is refused, not rounded to 12.35),
            # unlike a spreadsheet's float cell, whose binary tail nobody typed.
            data = repr(data)
        try:
            return self.parse(data, messages=self.messages)
        except CellError as exc:
            raise serializers.ValidationError(str(exc), code=exc.code) from None

    def to_representation(self, value):
        if value is None:
            return None
        return f"{as_money(value if isinstance(value, Decimal) else Decimal(str(value))):f}"


@extend_schema_field(OpenApiTypes.DATE)
class ChineseDateField(serializers.Field):
    """A date read like a ledger cell: 2025-03-15, 2025/3/15, 2025.3.15, 2025年3月15日, an Excel serial."""

    default_error_messages = {"null": "该字段不能为空。", "required": "该字段是必填项。"}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            raise serializers.ValidationError("不是有效的日期（可写作 2025-03-15）", code="invalid")
        try:
            return parse_date(data)
        except CellError as exc:
            raise serializers.ValidationError(str(exc), code=exc.code) from None

    def to_representation(self, value):
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        return value.isoformat()


@extend_schema_field(
    {"type": "string", "format": "decimal", "description": "0到100，两位小数；可写作 85、85.5%。"}
)
class PercentField(MoneyField):
    """A share from 0 to 100 with two decimals ("85", "85.5%")."""

    parse = staticmethod(parse_percent)
