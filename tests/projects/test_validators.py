"""National identifiers: 统一社会信用代码 (GB 32100-2015) and 项目代码 (online approval platform)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from projects.validators import (
    credit_code_check_char,
    normalise_credit_code,
    validate_credit_code,
    validate_project_code,
)

# First 17 characters of codes in the real layout: registration authority + kind, 6-digit division
# code, 9-character organisation code.
BODIES = [
    "91140500MA0KQ1234",  # 企业, 晋城市
    "93140525MA0H1B2C3",  # 农民专业合作社, 泽州县
    "12140000405301234",  # 事业单位, 山西省
    "91110000100001342",
]


def with_check(body: str) -> str:
    return body + credit_code_check_char(body)


def message(exc: pytest.ExceptionInfo) -> str:
    return exc.value.messages[0]


# --- 统一社会信用代码 ----------------------------------------------------------------------------------


def test_check_character_of_the_published_example():
    # The example printed in explanations of GB 32100-2015.
    assert credit_code_check_char("91350100M000100Y4") == "3"
    validate_credit_code("91350100M000100Y43")


@pytest.mark.parametrize("body", BODIES)
def test_codes_with_the_computed_check_character_are_valid(body):
    validate_credit_code(with_check(body))


def test_lower_case_and_spaces_are_normalised_before_checking():
    assert normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    validate_credit_code("91350100m000100y43")


@pytest.mark.parametrize("body", BODIES)
def test_a_wrong_check_character_is_refused_with_the_expected_one(body):
    good = credit_code_check_char(body)
    wrong = "0" if good != "0" else "1"
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(body + wrong)
    assert exc.value.error_list[0].code == "credit_check"
    assert message(exc) == f"统一社会信用代码校验位错误（应为 {good}），请核对。"


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "", "9135"])
def test_a_wrong_length_is_refused_with_the_actual_length(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.error_list[0].code == "credit_length"
    assert message(exc) == f"统一社会信用代码应为18位，当前为{len(code)}位。"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_that_the_standard_leaves_out_are_refused(letter):
    body = "91140500MA0K" + letter + "1234"
    assert len(body) == 17
    # Whatever the check character, the forbidden letter is what the user is told about.
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(body + "0")
    assert exc.value.error_list[0].code == "credit_chars"
    assert "不使用 I、O、Z、S、V" in message(exc)


def test_a_letter_in_the_division_code_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(with_check("9114A500MA0KQ1234"))
    assert exc.value.error_list[0].code == "credit_chars"


def test_punctuation_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91140500-MA0KQ1234")
    assert exc.value.error_list[0].code == "credit_chars"


# --- 项目代码 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "2503-140525-04-01-123456",
        "2012-140500-89-01-000001",
        "2501-140581-04-05-999999",
        "2503－140525－04－01－123456",  # full-width dashes typed in an IME
        " 2503-140525-04-01-123456 ",
    ],
)
def test_well_formed_project_codes_pass(code):
    validate_project_code(code)


def test_the_serial_check_digit_is_not_enforced():
    """Older codes carry no GB/T 40058 check digit: a mismatch is a warning elsewhere, never a refusal."""
    for last in "0123456789":
        validate_project_code(f"2503-140525-04-01-12345{last}")


@pytest.mark.parametrize(
    "code",
    [
        "2503-14052-04-01-123456",  # 5-digit division
        "250314052504011234560000",  # no dashes, still 24 characters
        "2503-140525-04-01-12345X",
        "2503-140525-4-01-1234567",
        "2503/140525/04/01/123456",
        "25a3-140525-04-01-123456",
        "",
    ],
)
def test_malformed_project_codes_are_refused_with_an_example(code):
    with pytest.raises(ValidationError) as exc:
        validate_project_code(code)
    assert exc.value.error_list[0].code == "project_code_format"
    assert "2503-140525-04-01-123456" in message(exc)


@pytest.mark.parametrize(
    ("code", "month"), [("2513-140525-04-01-123456", 13), ("2500-140525-04-01-123456", 0)]
)
def test_an_impossible_month_is_refused(code, month):
    with pytest.raises(ValidationError) as exc:
        validate_project_code(code)
    assert exc.value.error_list[0].code == "project_code_month"
    assert message(exc) == f"项目代码前四位应为赋码年月（YYMM），月份 {month:02d} 无效。"


@pytest.mark.parametrize("code", ["2019-140525-04-01-002381", "2017-140500-47-03-529456"])
def test_older_codes_with_the_year_instead_of_yymm_are_valid(code):
    validate_project_code(code)  # issued before GB/T 40058-2021: the time part is the year


def test_older_year_form_codes_get_no_check_digit_warning():
    from projects.importing.parsing import project_code_check_ok

    assert project_code_check_ok("2019-140525-04-01-002381")
    assert project_code_check_ok("2018-140525-04-01-002389")


@pytest.mark.parametrize("code", ["2113-140525-04-01-123456", "2099-140525-04-01-123456"])
def test_a_year_form_outside_the_platform_years_is_still_refused(code):
    with pytest.raises(ValidationError):
        validate_project_code(code)
