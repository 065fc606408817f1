"""The month-end round as the demo shows it: one 泽州县 report of the open month was returned by
the head and reworked by the clerk, through the services, so the review page shows a row returned
before with what changed since (the bulk-built history has no audit trail to show it from)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from projects import periods
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from reporting.services import ReportRow, report_return, reports_save

RETURN_REASON = "本月完成投资与形象进度不匹配，请核实后重新填报。"


def stage_returned_and_reworked(today: dt.date) -> int:
    """Return one submitted 泽州县 report of the open month and resubmit it changed; 1 if done."""
    year, month = periods.default_period(today)
    head = User.objects.filter(username="zezhou_head").first()
    clerk = User.objects.filter(username="zezhou").first()
    if head is None or clerk is None or clerk.organisation is None:
        return 0
    report = (
        MonthlyReport.objects.filter(
            year=year,
            month=month,
            status=ReportStatus.SUBMITTED,
            project__reporting_unit=clerk.organisation,
            invested__gt=0,
        )
        .select_related("project")
        .order_by("project_id")
        .first()
    )
    if report is None:
        return 0
    try:
        with transaction.atomic():
            returned = report_return(actor=head, report=report, reason=RETURN_REASON)
            row = ReportRow.from_report(
                returned,
                invested=(returned.invested * Decimal("0.9")).quantize(Decimal("0.01")),
                image_progress=f"{returned.image_progress}（已按审核意见核实，扣除未完工部分）",
            )
            reports_save(actor=clerk, year=year, month=month, rows=[row], submit=True)
            # The demo is deterministic: the round's moments follow the original submission.
            first = report.submitted_at or timezone.now()
            MonthlyReport.objects.filter(pk=report.pk).update(
                reviewed_at=first + dt.timedelta(hours=6),
                submitted_at=first + dt.timedelta(days=1),
                updated_at=first + dt.timedelta(days=1),
            )
    except (ValidationError, PermissionDenied):
        return 0  # e.g. a demo "today" ahead of the clock: the month cannot be written yet
    return 1
