"""Plain permission functions used by HTML views and DRF permission classes alike.

Visibility is `accounts.scoping`; these decide what a user may *do* with what it sees.
"""

from __future__ import annotations

from accounts.choices import RoleCode

from .choices import EDITABLE_REPORT_STATUSES, ReportStatus

WRITERS = (RoleCode.REPORTER, RoleCode.REVIEWER, RoleCode.OFFICE, RoleCode.ADMIN)
OFFICE = (RoleCode.OFFICE, RoleCode.ADMIN)


def is_office(user) -> bool:
    return user.is_authenticated and user.has_role(*OFFICE)


def can_create_project(user) -> bool:
    if is_office(user):
        return True
    return user.is_authenticated and user.organisation_id is not None and user.has_role(*WRITERS)


def can_edit_project(user, project) -> bool:
    """`project` must already come from a scoped selector; this checks the role."""
    return user.is_authenticated and user.has_role(*WRITERS)


def can_transition_project(user, project) -> bool:
    return can_edit_project(user, project)


def can_force_transition(user) -> bool:
    """Skipping stages or going back needs the task-force office."""
    return is_office(user)


def can_import_ledger(user) -> bool:
    return user.is_authenticated and user.has_role(RoleCode.REPORTER, RoleCode.OFFICE, RoleCode.ADMIN)


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
    return user.is_authenticated and user.has_role(RoleCode.OFFICE, RoleCode.ADMIN, RoleCode.LEADER)
