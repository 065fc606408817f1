"""Cell-level parsing for hand-made ledgers: text, money (万元), dates, identifiers.

Every parser takes whatever openpyxl hands back (str, int, float, datetime, None) and returns a
clean Python value, or raises `CellError` with a Chinese message for the preview's error table.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..money import as_money

MAX_MONEY = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
EXCEL_EPOCH = dt.date(1899, 12, 30)
_BLANK_MARKS = {"", "-", "--", "—", "——", "/", "无", "暂无", "n/a", "N/A", "null", "None"}


class CellError(ValueError):
    """A cell whose content cannot be read; the message is shown to the user."""


_SPACE_RUN = re.compile(r"[ \t\u00a0]+")
_ALL_SPACE = re.compile(r"\s+")


def clean_text(value) -> str:
    """NFKC (full-width digits, letters and punctuation → half-width), trimmed, inner runs of space → one."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value)
    if not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value)
    if "\n" in value or "\r" in value:
        lines = [_SPACE_RUN.sub(" ", line).strip() for line in value.replace("\r", "\n").split("\n")]
        return "\n".join(line for line in lines if line)
    if "  " in value or "\t" in value or "\u00a0" in value:
        value = _SPACE_RUN.sub(" ", value)
    return value.strip()


def compact(value) -> str:
    """`clean_text` without any whitespace: for header names and lookups ("项目 名称\\n" → "项目名称")."""
    text = clean_text(value)
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


_MONEY_RE = re.compile(r"^([+-]?\d+(?:\.\d+)?)(亿元|亿|万元|万|元)?$")


def parse_money(value, *, multiplier: Decimal = Decimal(1)) -> Decimal | None:
    """万元 with two decimals. "1,234.5", "１２３４", "1234万元", "1.2亿" (→ 12000.00) …; blank → None.

    `multiplier` converts a column or sheet kept in 亿元 (10000) to 万元.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("应为金额（万元）")
    if isinstance(value, int | float):
        if isinstance(value, float) and value != value:  # NaN
            raise CellError("应为金额（万元）")
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        unit = None
    else:
        text = compact(value).replace(",", "").replace("，", "")
        m = _MONEY_RE.match(text)
        if not m:
            raise CellError(f"“{clean_text(value)[:30]}”不是有效的金额（万元）")
        amount, unit = Decimal(m.group(1)), m.group(2)
    if unit in ("亿元", "亿"):
        amount *= 10000
    elif unit == "元":
        amount /= 10000
    elif unit is None:
        amount *= multiplier
    if amount < 0:
        raise CellError("金额不能为负数")
    try:
        amount = as_money(amount)
    except InvalidOperation as exc:
        raise CellError("金额过大") from exc
    if amount > MAX_MONEY:
        raise CellError("金额过大")
    return amount


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


def parse_phone(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value).replace("\n", " ")


def parse_code(value) -> str:
    """项目代码 as typed: full-width digits and dashes normalised, spaces removed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if abs(value) >= 10**15:
            # Excel keeps 15 significant digits: a 20-digit code typed into a number cell has lost its tail.
            raise CellError(
                f"“{Decimal(f'{value:.15g}'):f}”是数字格式，Excel 只保留前15位，项目代码后几位已丢失："
                "请将该列设为文本后重新填写（如 2503-140525-04-01-123456）"
            )
        value = f"{value:.0f}"
    text = re.sub(r"[‐‑‒–—―－−]", "-", compact(value))
    if len(text) == 20 and text.isdigit():  # typed without dashes
        text = f"{text[:4]}-{text[4:10]}-{text[10:12]}-{text[12:14]}-{text[14:]}"
    return text


# GB/T 40058-2021: the last digit of the 6-digit serial is a check digit for codes issued since
# late 2020. We check it with ISO 7064 MOD 11,10 over the 19 digits before it; a mismatch is only a
# warning on the row (older codes and hand-typed ledgers do not carry one).
CHECK_DIGIT_SINCE = "2009"  # YYMM


def project_code_check_ok(code: str) -> bool:
    digits = code.replace("-", "")
    if len(digits) != 20 or not digits.isdigit():
        return True
    if digits[:4] < CHECK_DIGIT_SINCE or int(digits[2:4]) > 12:  # older, or the year form (2019-…)
        return True
    product = 10
    for ch in digits[:19]:
        total = (int(ch) + product) % 10 or 10
        product = (total * 2) % 11
    expected = (11 - product) % 10
    return int(digits[19]) == expected


def year_in(text: str) -> int | None:
    m = re.search(r"(20\d{2})年", text)
    return int(m.group(1)) if m else None
