"""Cell-level parsing for hand-made ledgers: text, money (万元), dates, identifiers.

Every parser takes whatever openpyxl hands back (str, int, float, datetime, None) and returns a
clean Python value, or raises `CellError` with a Chinese message for the preview's error table.
Amounts and dates are read by `projects.parsing`, the one reader every entry path shares; the
identifiers (项目代码, phone numbers) only ledgers carry are read here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..parsing import (  # noqa: F401  (re-exported: the ledger code reads them from here)
    EXCEL_EPOCH,
    MAX_MONEY,
    CellError,
    clean_text,
    compact,
    is_blank,
    month_may_be_october,
    normalised,
    parse_date,
    parse_money,
    parse_percent,
)


def parse_phone(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalised(value).replace("\n", " ")  # a number: full-width digits read as digits


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
