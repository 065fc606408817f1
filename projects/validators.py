"""Format checks for national identifiers, with Chinese messages."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# The most characters an Excel cell holds: a longer text would be cut short in an export, and the
# re-uploaded file would then differ from what was saved. Long text fields are refused past it.
EXCEL_TEXT_MAX = 32767


def text_limit_message(label: str) -> str:
    return f"{label}不能超过 {EXCEL_TEXT_MAX:,} 个字（Excel 单元格的上限），请精简"


def limit_text(form, *names: str) -> None:
    """Give a form's long text fields the Excel limit (the models' TextFields carry no max_length)."""
    from django.core.validators import MaxLengthValidator

    for name in names:
        field = form.fields.get(name)
        if field is None:
            continue
        field.max_length = EXCEL_TEXT_MAX
        field.widget.attrs["maxlength"] = str(EXCEL_TEXT_MAX)
        field.validators.append(
            MaxLengthValidator(EXCEL_TEXT_MAX, message=text_limit_message(str(field.label or name)))
        )


# GB 32100-2015 统一社会信用代码: 18 characters from this 31-character set, the last a check digit.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# 项目代码 from the online approval platform: yymm-division-department-type-serial.
PROJECT_CODE_RE = re.compile(r"^(\d{2})(\d{2})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位，当前为%(n)d位。", code="credit_length", params={"n": len(code)}
        )
    if not _CREDIT_RE.match(code):
        raise ValidationError(
            "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。", code="credit_chars"
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            "统一社会信用代码校验位错误（应为 %(expected)s），请核对。",
            code="credit_check",
            params={"expected": expected},
        )


def normalise_project_code(value: str) -> str:
    code = (value or "").strip().replace("—", "-").replace("－", "-").replace(" ", "")
    return code


def validate_project_code(value: str) -> None:
    code = normalise_project_code(value)
    m = PROJECT_CODE_RE.match(code)
    if not m:
        raise ValidationError(
            "项目代码格式应为“年月-行政区划代码-行业-类型-流水号”，如 2503-140525-04-01-123456。",
            code="project_code_format",
        )
    # The time part is YYMM since GB/T 40058-2021; codes issued on the platform before it carry the
    # year (YYYY, e.g. 2019-…), which is still valid. Anything else is a typing error.
    month = int(m.group(2))
    if not 1 <= month <= 12 and not project_code_is_year_form(code):
        raise ValidationError(
            "项目代码前四位应为赋码年月（YYMM），月份 %(m)02d 无效。",
            code="project_code_month",
            params={"m": month},
        )


def project_code_is_year_form(code: str) -> bool:
    """Older platform codes start with the 4-digit year (2015–2020) instead of YYMM."""
    head = code[:4]
    return head.isdigit() and 2015 <= int(head) <= 2020 and int(head[2:]) > 12
