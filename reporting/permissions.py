"""Who may do what with monthly reports: one rule, used by the pages, the API and the services.

Seeing a report follows the project scope (`accounts.scoping`). Acting on it follows the project's
**reporting unit** (填报单位), never the project's location or its 责任单位:

- entering (edit, submit, correct, upload, photos): a reporter of the reporting unit or a unit above
  it, or the office/admin for every unit;
- reviewing (approve, return): a reviewer of the reporting unit or a unit above it, or the
  office/admin;
- four eyes: nobody approves a report whose current content they entered or submitted themselves
  since its last approval — the office and admin included (the office may still correct a report,
  with a reason; then someone else approves it);
- a department that is only the 责任单位 of a county's project reads its reports and does nothing
  else; the statistics bureau and leaders read every unit's grid and state.

The object checks (`can_*(user, report)`) and the queryset filters (`entry_q`, `review_q`) are
the same rule, so a bulk write (a 500-row grid, an upload) and a single API call decide alike.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy

from accounts.choices import RoleCode
from accounts.scoping import NOTHING, subtree_ids

from .choices import EDITABLE_REPORT_STATUSES, ReportStatus

CITYWIDE_ACTORS = (RoleCode.OFFICE, RoleCode.ADMIN)
READERS = (RoleCode.OFFICE, RoleCode.ADMIN, RoleCode.LEADER, RoleCode.STATISTICS)

MSG_NOT_YOUR_UNIT = gettext_lazy("该项目由{unit}填报，您只能查看其月度进展，不能填报、提交或更正。")
MSG_NOT_YOUR_REVIEW = gettext_lazy("该项目由{unit}填报，应由该单位的审核人员审核，您只能查看。")
MSG_FOUR_EYES = gettext_lazy("您填报或提交过该月度进展，不能由本人审核（双人复核），请由其他审核人员办理。")


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def _citywide(user) -> bool:
    return user.has_role(*CITYWIDE_ACTORS)


def acts_citywide(user) -> bool:
    """The office (and admin): enters, reviews and chases every unit."""
    return _authenticated(user) and _citywide(user)


def _unit_q(user, role: str, prefix: str) -> Q:
    """Reports (or projects, prefix "") whose reporting unit lies in the user's subtree, for `role`."""
    if not _authenticated(user):
        return NOTHING
    if _citywide(user):
        return Q()
    if not user.has_role(role) or user.organisation_id is None:
        return NOTHING
    field = f"{prefix}__reporting_unit_id__in" if prefix else "reporting_unit_id__in"
    return Q(**{field: subtree_ids(user.organisation)})


def _in_unit(user, unit_id, role: str) -> bool:
    if not _authenticated(user):
        return False
    if _citywide(user):
        return True
    if not user.has_role(role) or user.organisation_id is None:
        return False
    return unit_id in subtree_ids(user.organisation)


# --- roles (may the user do this to some report at all?) --------------------------------------


def can_enter_reports(user) -> bool:
    return _authenticated(user) and user.has_role(RoleCode.REPORTER, *CITYWIDE_ACTORS)


def can_review_reports(user) -> bool:
    return _authenticated(user) and user.has_role(RoleCode.REVIEWER, *CITYWIDE_ACTORS)


def can_read_reports(user) -> bool:
    """Open grids, the reporting state and exports: those who enter or review, and the city-wide readers."""
    return (
        can_enter_reports(user)
        or can_review_reports(user)
        or (_authenticated(user) and user.has_role(*READERS))
    )


def can_see_office_overview(user) -> bool:
    return _authenticated(user) and user.has_role(*READERS)


# --- the rule for bulk writes ------------------------------------------------------------------


def entry_q(user, prefix: str = "") -> Q:
    """Projects (prefix "") or reports (prefix "project") the user may enter reports for."""
    return _unit_q(user, RoleCode.REPORTER, prefix)


def review_q(user, prefix: str = "") -> Q:
    """Projects (prefix "") or reports (prefix "project") the user may review."""
    return _unit_q(user, RoleCode.REVIEWER, prefix)


def may_enter_for(user, project) -> bool:
    return _in_unit(user, project.reporting_unit_id, RoleCode.REPORTER)


def may_review_for(user, project) -> bool:
    return _in_unit(user, project.reporting_unit_id, RoleCode.REVIEWER)


def may_enter_unit(user, unit) -> bool:
    """May the user enter the reports of `unit`'s grid (a reporting unit in its subtree, or the office)?"""
    return _in_unit(user, unit.pk, RoleCode.REPORTER)


def may_review_unit(user, unit) -> bool:
    return _in_unit(user, unit.pk, RoleCode.REVIEWER)


def unit_message(template: str, project) -> str:
    unit = getattr(project, "reporting_unit", None)
    return str(template).format(unit=unit.name if unit is not None else gettext_lazy("其填报单位"))


# --- the rule for one report ---------------------------------------------------------------------


def can_edit_report(user, report) -> bool:
    """Edit values, submit, add photos: the reporting unit's reporter (or the office) while a draft or returned."""
    return report.status in EDITABLE_REPORT_STATUSES and may_enter_for(user, report.project)


can_submit_report = can_edit_report


def can_correct_report(user, report) -> bool:
    """A correction after approval opens a new revision (the unit's reporter or the office, with a reason)."""
    return report.status == ReportStatus.APPROVED and may_enter_for(user, report.project)


def can_return_report(user, report) -> bool:
    return report.status == ReportStatus.SUBMITTED and may_review_for(user, report.project)


def is_own_work(user, editors) -> bool:
    """Four eyes: `editors` are the users who entered or submitted the report's current content."""
    return _authenticated(user) and user.pk in (editors or ())


def can_approve_report(user, report, editors=frozenset()) -> bool:
    """The reporting unit's reviewer (or the office) approves a submitted report — unless they
    entered or submitted its content themselves (`editors`, from `selectors.report_editors`)."""
    return can_return_report(user, report) and not is_own_work(user, editors)
