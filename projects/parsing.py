"""The one reader of typed amounts and dates: ledger import, monthly grid, Excel upload, API, project forms.

Every parser takes what a user or a spreadsheet hands over (str, int, float, Decimal, date, datetime,
None) and returns a clean Python value, or raises `CellError` with a Chinese message.

Amounts are 万元 with two decimals (max_digits=14, decimal_places=2). More than two decimals:
- typed text or an exact number ("12.345", Decimal("12.345"), a JSON number) is refused with
  "…最多保留两位小数": the person typed a precision we cannot store, and silently dropping it
  would save a figure they did not enter;
- a spreadsheet's number cell (a float: 1234.567, 0.1 + 0.2, a formula's result) is rounded half up
  to the cent, as the ledger import always did: the cell shows two decimals (our templates format
  it 0.00) and its binary tail is nothing anyone typed;
- an amount in 元 ("123456元") is converted to 万元 and rounded, since 万元 has no place for it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, DecimalException

from .money import CENT

MAX_MONEY = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_TEXT = 60  # longer text is never a number anyone typed (and Decimal of a huge string costs)


_BLANK_MARKS = {"", "-", "--", "—", "——", "/", "无", "暂无", "n/a", "N/A", "null", "None"}


class CellError(ValueError):
    """A value that cannot be read; the message is shown to the user as it is.

    `code` says why ("invalid", "negative", "too_large", "decimals", "range"), so a caller can put the
    message in its own words for one field (`messages={"negative": "本月完成投资不能为负数"}`).
    """

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


_SPACE_RUN = re.compile(r"[ \t\u00a0]+")
_ALL_SPACE = re.compile(r"\s+")


def clean_text(value) -> str:
    """Text as typed, trimmed, inner runs of space → one. Punctuation and full-width forms stay as they
    are: a name written 某某项目（二期） is stored so, not as 某某项目(二期); `compact` normalises for matching."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if "\n" in value or "\r" in value:
        lines = [_SPACE_RUN.sub(" ", line).strip() for line in value.replace("\r", "\n").split("\n")]
        return "\n".join(line for line in lines if line)
    if "  " in value or "\t" in value or "\u00a0" in value:
        value = _SPACE_RUN.sub(" ", value)
    return value.strip()


def normalised(value) -> str:
    """`clean_text` after NFKC (full-width digits, letters and punctuation → half-width): for codes,
    numbers and comparing names, never for what is stored as text."""
    text = clean_text(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        if "  " in text:  # NFKC turns the ideographic space into a plain one
            text = _SPACE_RUN.sub(" ", text)
    return text.strip()


def compact(value) -> str:
    """`normalised` without any whitespace: for header names and lookups ("项目 名称\n" → "项目名称")."""
    text = normalised(value)
    if " " in text or "\n" in text:
        text = _ALL_SPACE.sub("", text)
    return text


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        # Every blank mark is at most 4 characters: longer text is never blank (and costs no normalising).
        return len(value) <= 8 and compact(value) in _BLANK_MARKS
    return False


_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,6})?"
_MONEY_RE = re.compile(rf"^({_NUMBER})(亿元|亿|万元|万|元)?$")
_PERCENT_RE = re.compile(rf"^({_NUMBER})%?$")
_UNIT_FACTOR = {"亿元": Decimal(10000), "亿": Decimal(10000), "万元": Decimal(1), "万": Decimal(1)}

MONEY_MESSAGES = {
    "invalid": "“{text}”不是有效的金额（万元）",
    "negative": "金额不能为负数",
    "too_large": "金额过大，请核对单位（万元）",
    "decimals": "金额最多保留两位小数（万元）",
}
PERCENT_MESSAGES = {
    "invalid": "“{text}”不是有效的比例（0到100）",
    "range": "比例应在0到100之间",
    "decimals": "比例最多保留两位小数",
}


def _fail(messages: dict, code: str, value) -> CellError:
    return CellError(messages[code].format(text=clean_text(value)[:30]), code)


def _number(value, pattern: re.Pattern, messages: dict) -> tuple[Decimal, str | None, bool]:
    """`(number, unit, exact)`: `exact` is False for a spreadsheet's float, whose tail is rounded off."""
    if isinstance(value, bool) or isinstance(value, dt.date):
        raise _fail(messages, "invalid", value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _fail(messages, "invalid", value)
        return Decimal(repr(value)), None, False
    if isinstance(value, int):
        return Decimal(value), None, True
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _fail(messages, "invalid", value)
        return value, None, True
    text = compact(value).replace(",", "") if isinstance(value, str) and len(value) <= MAX_TEXT else None
    m = pattern.match(text) if text else None
    if not m:
        raise _fail(messages, "invalid", value)
    return Decimal(m.group(1)), (m.group(2) if pattern.groups > 1 else None), True


def _to_cents(amount: Decimal, exact: bool, messages: dict) -> Decimal:
    if exact and amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise CellError(messages["decimals"], "decimals")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value, *, multiplier: Decimal = Decimal(1), messages: dict | None = None) -> Decimal | None:
    """万元 with two decimals. "1,234.5", "１２３４．５", "1234万元", "1.2亿" (→ 12000.00) …; blank → None.

    `multiplier` converts a column or sheet kept in 亿元 (10000) to 万元. `messages` overrides
    `MONEY_MESSAGES` by code for one field's wording. Never lets a decimal error through: NaN, inf,
    "1e400" and the like answer with a `CellError` like any other unreadable amount.
    """
    messages = {**MONEY_MESSAGES, **(messages or {})}
    if is_blank(value):
        return None
    amount, unit, exact = _number(value, _MONEY_RE, messages)
    if amount < 0:
        raise CellError(messages["negative"], "negative")
    if amount.adjusted() > 20:  # "1e400": far too large, and too large for the arithmetic below
        raise CellError(messages["too_large"], "too_large")
    try:
        if unit == "元":
            amount, exact = amount / 10000, False
        else:
            amount *= _UNIT_FACTOR[unit] if unit else Decimal(multiplier)
        if amount > MAX_MONEY:
            raise CellError(messages["too_large"], "too_large")
        return _to_cents(amount, exact, messages)
    except DecimalException:  # "1e-999999": no number we could store
        raise _fail(messages, "invalid", value) from None


def parse_percent(value, *, messages: dict | None = None) -> Decimal | None:
    """A share from 0 to 100 with two decimals: "85", "85.5%", "８５％"; blank → None."""
    messages = {**PERCENT_MESSAGES, **(messages or {})}
    if is_blank(value):
        return None
    percent, _, exact = _number(value, _PERCENT_RE, messages)
    if not 0 <= percent <= 100:
        raise CellError(messages["range"], "range")
    try:
        return _to_cents(percent, exact, messages)
    except DecimalException:
        raise _fail(messages, "invalid", value) from None


_DATE_PATTERNS = [
    # 2025-03-01 / 2025/3/1 / 2025.3.1 / 2025年3月1日
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$"),
    # 2025年3月 / 2025.3 / 2025-03 / 2025/3 / 2025年3月份 / 2025年3月底
    re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月份?|月底|月初|月中)?()$"),
    # 20250301
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    # 202503
    re.compile(r"^(\d{4})(\d{2})()$"),
]


def _from_excel_serial(number: float) -> dt.date:
    if not 1 <= number < 2958466:
        raise CellError("不是有效的日期")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def parse_date(value) -> dt.date | None:
    """2025-03-01, 2025/3/1, 2025年3月(1日), 2025.3, an Excel date or serial number; month only → the 1st."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("不是有效的日期")
    if isinstance(value, int | float):
        # 2025.3 typed as a number means March 2025; anything else is an Excel serial.
        if 1990 <= value <= 2100 and not float(value).is_integer():
            year, frac = divmod(Decimal(repr(float(value))), 1)
            month = int((frac * 100).to_integral_value()) if len(str(frac)) > 3 else int(frac * 10)
            return _make_date(int(year), month, 1, value)
        if 1990 <= value <= 2100:
            raise _year_only(int(value))
        return _from_excel_serial(value)
    text = compact(value)
    if re.fullmatch(r"(19|20)\d{2}年?", text):
        raise _year_only(int(text[:4]))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            day = int(m.group(3)) if m.group(3) else 1
            return _make_date(int(m.group(1)), int(m.group(2)), day, value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_excel_serial(float(text))
    raise CellError(
        f"“{clean_text(value)[:30]}”不是有效的日期（可写作 2025-03-01、2025/3/1、2025年3月、2025.3）"
    )


def _year_only(year: int) -> CellError:
    return CellError(f"“{year}”只有年份，请填写到月份，如 {year}年3月")


def month_may_be_october(value) -> bool:
    """2025.10 typed into a number cell is kept as 2025.1: it reads as January, but may mean October."""
    return isinstance(value, float) and 1990 <= value <= 2100 and repr(value).endswith(".1")


def _make_date(year, month, day, original) -> dt.date:
    try:
        if not 1990 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"“{clean_text(original)[:30]}”不是有效的日期") from None
