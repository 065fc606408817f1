"""The rules against hand-classified projects: each case says what a statistics officer would answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from inclusion.choices import RuleKind
from inclusion.models import InclusionRule
from inclusion.rules import Facts, RuleSpec, check_all, eligible, lacking
from inclusion.selectors import active_rules, screening
from projects.choices import Stage
from tests.factories import ProjectFactory
from tests.inclusion.conftest import TODAY, credit_code

pytestmark = pytest.mark.django_db

GOOD = credit_code(42)


def facts(**kw):
    base = {
        "total_investment": Decimal("800.00"),
        "stage": Stage.CONSTRUCTION,
        "actual_start": dt.date(2025, 5, 1),
        "construction_unit": "晋城市某某建设有限公司",
        "credit_code": GOOD,
        "directory_name": "晋城市某某建设有限公司",
        "evidence_kind_ids": set(),
    }
    base.update(kw)
    return Facts(**base)


def non_evidence_rules():
    return [r for r in active_rules() if r.kind != RuleKind.EVIDENCE]


# (case, facts, eligible?, failed rule kinds, a phrase the failure shows)
CASES = [
    ("meets everything", {}, True, [], ""),
    ("exactly the threshold", {"total_investment": Decimal("500.00")}, True, [], ""),
    (
        "one cent below",
        {"total_investment": Decimal("499.99")},
        False,
        ["min_investment"],
        "未达到 500.00 万元起点",
    ),
    (
        "not started (前期)",
        {"stage": Stage.PREWORK, "actual_start": None},
        False,
        ["started"],
        "尚未实际开工",
    ),
    ("start date in the future", {"actual_start": dt.date(2026, 1, 1)}, False, ["started"], "晚于今天"),
    ("suspended after starting", {"stage": Stage.SUSPENDED}, True, [], ""),
    ("completed this year", {"stage": Stage.COMPLETED}, True, [], ""),
    (
        "no credit code",
        {"credit_code": "", "directory_name": None},
        True,
        ["legal_entity", "in_directory"],
        "缺少统一社会信用代码",
    ),
    (
        "bad check digit",
        {"credit_code": GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")},
        True,
        ["legal_entity"],
        "校验位错误",
    ),
    ("个体工商户", {"credit_code": credit_code(7, prefix="92")}, True, ["legal_entity"], "个体工商户"),
    ("not in the directory", {"directory_name": None}, True, ["in_directory"], "不在名录库中"),
]


@pytest.mark.parametrize("case,changes,is_eligible,failed,phrase", CASES, ids=[c[0] for c in CASES])
def test_hand_classified_projects(case, changes, is_eligible, failed, phrase):
    checks = check_all(non_evidence_rules(), facts(**changes), TODAY)
    assert eligible(checks) is is_eligible
    assert sorted(c.kind for c in checks if not c.passed) == sorted(failed)
    if phrase:
        assert any(phrase in c.message for c in checks if not c.passed)
    else:
        assert all(c.passed for c in checks)


def test_a_name_that_differs_from_the_directory_passes_with_a_warning():
    checks = check_all(non_evidence_rules(), facts(directory_name="晋城市某某建设（集团）有限公司"), TODAY)
    directory = next(c for c in checks if c.kind == RuleKind.IN_DIRECTORY)
    assert directory.passed and "不一致" in directory.warning
    # Full-width brackets and spaces are not a difference.
    same = check_all(non_evidence_rules(), facts(directory_name="晋城市某某建设有限公司 "), TODAY)
    assert not next(c for c in same if c.kind == RuleKind.IN_DIRECTORY).warning


def test_each_missing_evidence_kind_is_named():
    rules = [r for r in active_rules() if r.kind == RuleKind.EVIDENCE]
    assert len(rules) == 5
    have = {rules[0].evidence_kind_id, rules[4].evidence_kind_id}
    checks = check_all(rules, facts(evidence_kind_ids=have), TODAY)
    missing = [c.message for c in lacking(checks)]
    assert missing == ["缺少施工许可或开工证明", "缺少施工合同", "缺少发票"]


def test_the_threshold_is_the_bureaus_data(world):
    rule = InclusionRule.objects.get(kind=RuleKind.MIN_INVESTMENT)
    rule.threshold = Decimal("20000")
    rule.save()
    spec = next(r for r in active_rules() if r.kind == RuleKind.MIN_INVESTMENT)
    assert not eligible(check_all([spec], facts(total_investment=Decimal("10000")), TODAY))
    s = screening(user=world["stats"], year=2025, month=10, today=TODAY)
    assert s.totals.population == 0  # the world's 10,000万元 projects are below the new threshold
    rule.is_active = False
    rule.save()
    assert screening(user=world["stats"], year=2025, month=10, today=TODAY).totals.population == 3
    # With no eligibility rule at all, every live project is screened (a 前期 one too).
    ProjectFactory(name="泽州县前期项目", county=world.zezhou, stage=Stage.PREWORK, actual_start=None)
    InclusionRule.objects.filter(kind=RuleKind.STARTED).update(is_active=False)
    assert screening(user=world["stats"], year=2025, month=10, today=TODAY).totals.population == 4


def test_the_threshold_defaults_to_the_setting(settings):
    settings.INCLUSION_MIN_INVESTMENT = 1000
    spec = RuleSpec(id=1, kind=RuleKind.MIN_INVESTMENT, name="x")
    assert spec.min_investment == Decimal(1000)


def test_screening_uses_the_same_answers_as_the_checks(incl):
    small = ProjectFactory(
        name="泽州县小型维修项目",
        county=incl.zezhou,
        total_investment=Decimal("300"),
        credit_code=credit_code(9),
    )
    prework = ProjectFactory(
        name="泽州县前期项目", county=incl.zezhou, stage=Stage.PREWORK, actual_start=None
    )
    s = screening(user=incl["stats"], year=2025, month=10, today=TODAY)
    ids = {r.id for r in s.rows}
    assert incl.zz_project.pk in ids and small.pk not in ids and prework.pk not in ids
    row = next(r for r in s.rows if r.id == incl.zz_project.pk)
    assert row.eligible and not row.ready
    assert "缺少立项/备案文件" in row.lacking_text
