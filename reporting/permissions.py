"""Who may enter, review and correct monthly reports; plain functions for HTML views and DRF alike."""

from __future__ import annotations

from accounts.choices import RoleCode

from .choices import EDITABLE_REPORT_STATUSES, ReportStatus


def can_enter_reports(user) -> bool:
    return user.is_authenticated and user.has_role(RoleCode.REPORTER, RoleCode.OFFICE, RoleCode.ADMIN)


def can_edit_report(user, report) -> bool:
    return can_enter_reports(user) and report.status in EDITABLE_REPORT_STATUSES


def can_review_reports(user) -> bool:
    return user.is_authenticated and user.has_role(RoleCode.REVIEWER, RoleCode.OFFICE, RoleCode.ADMIN)


def can_review_report(user, report) -> bool:
    return can_review_reports(user) and report.status == ReportStatus.SUBMITTED


def can_correct_report(user, report) -> bool:
    """A correction after approval opens a new revision (reporter or office, with a reason)."""
    return can_enter_reports(user) and report.status == ReportStatus.APPROVED


def can_see_office_overview(user) -> bool:
    """Every unit's reporting state and figures (read-only for leaders and the statistics bureau)."""
    return user.is_authenticated and user.has_role(
        RoleCode.OFFICE, RoleCode.ADMIN, RoleCode.LEADER, RoleCode.STATISTICS
    )
