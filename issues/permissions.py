"""Who may do what with a tracked matter. Visibility is `selectors.tickets_for_user`; these decide acts.

- the office (and admin): assign, return, visit, close, suspend, resume, 督办, hand up; meetings;
- the handling unit (lead unit or a unit above it; reporters and reviewers): sign, report progress,
  timetable, report solved, hand up; a co-handling unit reports progress;
- leaders and the statistics bureau read.
"""

from __future__ import annotations

from accounts.choices import RoleCode

from .choices import ACTION_FROM, Action

OFFICE = (RoleCode.OFFICE, RoleCode.ADMIN)
UNIT_ROLES = (RoleCode.REPORTER, RoleCode.REVIEWER)
OFFICE_ACTIONS = {
    Action.ASSIGN,
    Action.RETURN,
    Action.VISIT,
    Action.CLOSE,
    Action.SUSPEND,
    Action.RESUME,
    Action.SUPERVISE,
    Action.HAND_UP,
    Action.PROGRESS,
}
UNIT_ACTIONS = {Action.SIGN, Action.PROGRESS, Action.TIMETABLE, Action.REPORT_SOLVED, Action.HAND_UP}


def is_office(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*OFFICE))


def _in_subtree(user, org) -> bool:
    mine = getattr(user, "organisation", None)
    return bool(mine and org and org.path.startswith(mine.path))


def is_handling_unit(user, ticket) -> bool:
    return (
        user.is_authenticated
        and user.has_role(*UNIT_ROLES)
        and ticket.lead_unit_id is not None
        and _in_subtree(user, ticket.lead_unit)
    )


def is_co_unit(user, ticket) -> bool:
    if not (user.is_authenticated and user.has_role(*UNIT_ROLES)):
        return False
    return any(_in_subtree(user, unit) for unit in ticket.co_units.all())


def may(user, ticket, action: str) -> bool:
    """Whether `user`'s role may take `action` on `ticket` (state aside)."""
    if action in OFFICE_ACTIONS and is_office(user):
        return True
    if action in UNIT_ACTIONS and is_handling_unit(user, ticket):
        return True
    return action == Action.PROGRESS and is_co_unit(user, ticket)


def available_actions(user, ticket) -> list[str]:
    """The actions `user` may take on `ticket` now: its role and the ticket's state both allow them."""
    result = []
    for action, states in ACTION_FROM.items():
        if ticket.state not in states or not may(user, ticket, action):
            continue
        if action == Action.TIMETABLE and ticket.complexity != "major":
            continue
        if action == Action.CLOSE and not (ticket.visit_ok or ticket.is_decision):
            continue
        if action == Action.VISIT and ticket.is_decision:
            continue
        if action == Action.HAND_UP and (ticket.is_decision or ticket.authority == "province"):
            continue
        result.append(action)
    return result


def can_report_problem(user, project=None) -> bool:
    """The office, or a unit's reporter/reviewer (on a project it sees: the caller passes a scoped one)."""
    if is_office(user):
        return True
    return bool(user.is_authenticated and user.organisation_id and user.has_role(*UNIT_ROLES))


def can_manage_meetings(user) -> bool:
    return is_office(user)


def can_edit_deadlines(user) -> bool:
    return is_office(user)
