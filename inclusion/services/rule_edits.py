"""The bureau's eligibility rules, edited as data."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import audit
from accounts.choices import AuditAction
from projects.exceptions import ConflictError

from .. import permissions
from ..choices import RuleKind
from ..models import (
    InclusionRule,
)
from .base import InclusionError

# --- rules ---------------------------------------------------------------------------------


@transaction.atomic
def rule_update(
    *, actor, rule: InclusionRule, is_active: bool, threshold: Decimal | None, version: int
) -> InclusionRule:
    if not permissions.can_configure_rules(actor):
        raise PermissionDenied("入库条件由市统计局设置。")
    locked = InclusionRule.objects.select_for_update().get(pk=rule.pk)
    if int(version) != locked.version:
        raise ConflictError("该条件已被他人修改，请刷新后重试。", id=locked.pk)
    if locked.kind == RuleKind.MIN_INVESTMENT and threshold is not None and threshold < 0:
        raise InclusionError("起点金额不能为负数。")
    before = audit.snapshot(locked)
    locked.is_active = bool(is_active)
    if locked.kind == RuleKind.MIN_INVESTMENT:
        locked.threshold = threshold
    locked.version += 1
    locked.save()
    changes = audit.diff(before, audit.snapshot(locked))
    if changes:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=locked, changes=changes, message="修改入库条件"
        )
    return locked
