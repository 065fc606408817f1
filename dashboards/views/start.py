"""The start page: each user's dashboard below their cards and to-do list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.choices import RoleCode
from projects import periods
from projects import permissions as project_permissions
from projects.filters import current_year
from projects.selectors import home_summary, projects_for_user
from reporting import measures
from reporting import permissions as report_permissions
from reporting.selectors.pages import start_page_tasks

from ..selectors import home_by_county
from ..selectors.scopes import (
    own_scope,
)
from .dashboards import _dashboard_context, _dashboard_url

# --- the start page -----------------------------------------------------------------------


@login_required
def home(request):
    """Each role's start page: the size of its world, the work waiting for it and the way to it,
    then the headline of its dashboard (city for the office and leaders, the area or department else)."""
    user = request.user
    context = {
        "has_scope": user.sees_all_projects or (user.organisation_id is not None and bool(user.role_codes)),
        "can_create": project_permissions.can_create_project(user),
        "can_import": project_permissions.can_import_ledger(user),
        "can_review": report_permissions.can_review_reports(user),
        "can_enter_reports": report_permissions.can_enter_reports(user),
        "is_reviewer": user.has_role(RoleCode.REVIEWER),
        "read_only": user.is_read_only,
        "citywide": user.sees_all_projects,
    }
    if context["has_scope"]:
        summary = home_summary(user=user)
        context["summary"] = summary
        context["stage_max"] = max([n for _, _, n in summary["by_stage"]] + [1])
        if user.sees_all_projects:
            context["by_county"] = home_by_county(user=user, year=current_year())
        # The scope's 1–N月 completed investment and 完成率 against 时间进度, on the approved basis,
        # for the last month reported (the same figure as the office page and the grid's approved line).
        year, month = periods.default_period()
        # What the role has to do for the month being reported: rows to fill or rework with the
        # due date, rows waiting for review, units to chase.
        context["tasks"] = start_page_tasks(user=user)
        context["figures"] = measures.figures(
            projects=projects_for_user(user), year=year, month=month, basis=measures.Basis.APPROVED
        )
        # Below the start page's own cards, the user's dashboard: the city's for the office, leaders
        # and the statistics bureau, the area's or the department's for their units.
        scope = own_scope(user)
        if scope is not None:
            context.update(_dashboard_context(request, scope, year, month))
            context["dash_url"] = _dashboard_url(scope)
    return render(request, "dashboards/home.html", context)
