"""The checks behind the bureau's rules (DOMAIN §8), each answered in words.

Which rules apply, their threshold and document kind are data (`InclusionRule`, configured by the
bureau); this module only knows how to check each kind against the facts of one project. The facts
are read in bulk by `inclusion.selectors` (a fixed number of queries for any number of projects), so
a check never touches the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from projects.choices import Stage
from projects.validators import normalise_credit_code, validate_credit_code

from .choices import RULE_GROUP, RuleGroup, RuleKind

# Stages in which construction has actually started (a suspended project had started too).
STARTED_STAGES = (Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATION, Stage.SUSPENDED)
# 统一社会信用代码 of 个体工商户 start with 92: not a legal entity, so never 入库 as a project unit.
INDIVIDUAL_BUSINESS_PREFIX = "92"


@dataclass(frozen=True)
class RuleSpec:
    """A rule as the checks need it (read once per request from `InclusionRule`)."""

    id: int
    kind: str
    name: str
    threshold: Decimal | None = None
    evidence_kind_id: int | None = None
    evidence_kind_name: str = ""

    @property
    def group(self) -> str:
        return RULE_GROUP[RuleKind(self.kind)]

    @property
    def min_investment(self) -> Decimal:
        if self.threshold is not None:
            return self.threshold
        return Decimal(settings.INCLUSION_MIN_INVESTMENT)


@dataclass
class Facts:
    """What the checks read of one project."""

    total_investment: Decimal
    stage: str
    actual_start: dt.date | None
    construction_unit: str
    credit_code: str
    directory_name: str | None  # the 名录库 name under the project's credit code; None when absent
    evidence_kind_ids: set = field(default_factory=set)


@dataclass(frozen=True)
class Check:
    rule_id: int
    kind: str
    name: str
    group: str
    passed: bool
    message: str
    warning: str = ""


def _wan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def check(rule: RuleSpec, facts: Facts, today: dt.date) -> Check:
    passed, message, warning = _CHECKS[rule.kind](rule, facts, today)
    return Check(rule.id, rule.kind, rule.name, rule.group, passed, message, warning)


def _min_investment(rule, f, today):
    threshold = rule.min_investment
    if f.total_investment >= threshold:
        return True, f"计划总投资 {_wan(f.total_investment)} 万元，达到 {_wan(threshold)} 万元起点", ""
    return False, f"计划总投资 {_wan(f.total_investment)} 万元，未达到 {_wan(threshold)} 万元起点", ""


def _started(rule, f, today):
    if f.actual_start and f.actual_start <= today and f.stage in STARTED_STAGES:
        return True, f"已于 {f.actual_start:%Y-%m-%d} 实际开工", ""
    if f.actual_start and f.actual_start > today:
        return False, f"实际开工日期 {f.actual_start:%Y-%m-%d} 晚于今天", ""
    return False, "尚未实际开工（无实际开工日期）", ""


def _legal_entity(rule, f, today):
    passed, message = legal_entity_answer(f.credit_code)
    return passed, message, ""


@functools.lru_cache(maxsize=65536)
def legal_entity_answer(credit_code: str) -> tuple[bool, str]:
    """Whether a credit code is a legal entity's, in words; it depends on the code alone, so the
    screening asks it once per distinct code (`inclusion.conditions`)."""
    code = normalise_credit_code(credit_code)
    if not code:
        return False, "建设单位缺少统一社会信用代码"
    try:
        validate_credit_code(code)
    except ValidationError as exc:
        return False, f"统一社会信用代码无效：{exc.messages[0]}"
    if code.startswith(INDIVIDUAL_BUSINESS_PREFIX):
        return False, "建设单位为个体工商户（代码以92开头），不是法人单位"
    return True, f"法人单位，统一社会信用代码 {code}"


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A unit or project name compared loosely: NFKC, no spaces or punctuation, full-width brackets
    and half-width alike."""
    text = unicodedata.normalize("NFKC", name or "")
    return re.sub(r"[\s\W_]+", "", text)


def _in_directory(rule, f, today):
    code = normalise_credit_code(f.credit_code)
    if not code:
        return False, "建设单位缺少统一社会信用代码，无法在名录库中查找", ""
    if f.directory_name is None:
        return False, f"统一社会信用代码 {code} 不在名录库中", ""
    if name_key(f.directory_name) != name_key(f.construction_unit):
        return (
            True,
            "名录库中有该单位",
            f"名录库名称为“{f.directory_name}”，与建设单位“{f.construction_unit}”不一致，请核实",
        )
    return True, "名录库中有该单位", ""


def _evidence(rule, f, today):
    if rule.evidence_kind_id in f.evidence_kind_ids:
        return True, f"已上传{rule.evidence_kind_name}", ""
    return False, f"缺少{rule.evidence_kind_name}", ""


_CHECKS = {
    RuleKind.MIN_INVESTMENT: _min_investment,
    RuleKind.STARTED: _started,
    RuleKind.LEGAL_ENTITY: _legal_entity,
    RuleKind.IN_DIRECTORY: _in_directory,
    RuleKind.EVIDENCE: _evidence,
}


def check_all(rules: list[RuleSpec], facts: Facts, today: dt.date) -> list[Check]:
    return [check(rule, facts, today) for rule in rules]


def _input_key(rule: RuleSpec, f: Facts):
    """What a rule's answer depends on: equal keys, equal answers (a check is a pure function)."""
    kind = rule.kind
    if kind == RuleKind.MIN_INVESTMENT:
        return f.total_investment
    if kind == RuleKind.STARTED:
        return (f.actual_start, f.stage)
    if kind == RuleKind.LEGAL_ENTITY:
        return f.credit_code
    if kind == RuleKind.IN_DIRECTORY:
        return (f.credit_code, f.directory_name, f.construction_unit)
    return rule.evidence_kind_id in f.evidence_kind_ids


class Checker:
    """`check_all` for many projects at once: projects of the same unit, amount or start date share
    the (immutable) answers, so 20,000 projects cost a few thousand checks, not 180,000."""

    def __init__(self, rules: list[RuleSpec], today: dt.date):
        self.rules = rules
        self.today = today
        self._cache: dict = {}

    def __call__(self, facts: Facts) -> list[Check]:
        out = []
        for rule in self.rules:
            key = (rule.id, _input_key(rule, facts))
            answer = self._cache.get(key)
            if answer is None:
                answer = self._cache[key] = check(rule, facts, self.today)
            out.append(answer)
        return out


# Plain strings: asked for every row of a 20,000-row export, where reading an enum member off its
# class each time cost more than the comparison.
_ELIGIBILITY = RuleGroup.ELIGIBILITY.value
_READINESS = RuleGroup.READINESS.value


def eligible(checks: list[Check]) -> bool:
    return all(c.passed for c in checks if c.group == _ELIGIBILITY)


def lacking(checks: list[Check]) -> list[Check]:
    """The readiness checks a project fails: what it still lacks before it can be declared."""
    return [c for c in checks if c.group == _READINESS and not c.passed]
