"""Which values count (the basis), and the one rounding rule for rates. Part of the figures layer: see `reporting.measures`."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import MonthlyReport, ReportRevision

ONE_DP = Decimal("0.1")
MONEY = models.DecimalField(max_digits=16, decimal_places=2)


class Basis(models.TextChoices):
    APPROVED = "approved", _("审核口径")
    WORKING = "working", _("填报口径")


# --- rounding -------------------------------------------------------------------------------


def round_rate(value: Decimal) -> Decimal:
    return Decimal(value).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def rate(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """`numerator / denominator` in percent, one decimal (ROUND_HALF_UP); None when the base is zero."""
    if numerator is None or not denominator:
        return None
    return round_rate(Decimal(numerator) * 100 / Decimal(denominator))


def growth(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Growth of `current` over `previous` in percent, one decimal; None when `previous` is zero."""
    if current is None or not previous:
        return None
    return round_rate((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous))


def time_progress(month: int) -> Decimal:
    """时间进度 after month N: N/12 in percent, one decimal."""
    return round_rate(Decimal(month) * 100 / 12)


def gap_to_time_progress(ytd: Decimal | None, plan: Decimal | None, month: int) -> Decimal | None:
    """超(+)/低于(−)时间进度 in percentage points: (ytd·1200 − N·100·plan) / (12·plan), rounded once."""
    if ytd is None or not plan:
        return None
    ytd, plan = Decimal(ytd), Decimal(plan)
    return round_rate((ytd * 1200 - Decimal(month) * 100 * plan) / (12 * plan))


# --- which values count ---------------------------------------------------------------------


def counted_values(*, basis: str = Basis.APPROVED, as_of: dt.datetime | None = None) -> QuerySet:
    """The report values that count on `basis`: rows with `project_id`, `year`, `month`, `invested`.

    Approved: the revision in force (approved at or before `as_of`, not yet superseded then).
    Working: every report's current value.
    """
    if Basis(basis) == Basis.WORKING:
        return MonthlyReport.objects.all()
    qs = ReportRevision.objects.all()
    if as_of is None:
        return qs.filter(superseded_at__isnull=True)
    return qs.filter(approved_at__lte=as_of).filter(
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=as_of)
    )
