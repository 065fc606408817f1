"""Periods and the units a user may report for (the pages' pickers)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from accounts.scoping import organisation_scope_q, project_scope_q
from projects import periods
from projects.models import Project

# --- periods (re-exported for the views: the arithmetic lives in projects.periods) -------------

default_period = periods.default_period
due_date = periods.due_date
parse_period = periods.parse_period
period_choices = periods.period_choices


# --- units ---------------------------------------------------------------------------------


def reporting_units_for_user(user):
    """Units the user may open a grid for: reporting units of projects in its scope, inside its subtree."""
    unit_ids = Project.objects.filter(project_scope_q(user)).order_by().values("reporting_unit_id")
    return Organisation.objects.filter(organisation_scope_q(user), pk__in=unit_ids, is_active=True).order_by(
        "sort_order", "id"
    )


def unit_for_user(user, unit_id) -> Organisation:
    """The unit a page is about: the given one if the user may see it (404 otherwise), else the user's own."""
    if unit_id in (None, ""):
        if user.organisation_id and not user.sees_all_projects:
            return user.organisation
        first = reporting_units_for_user(user).first()
        if first is None:
            if user.organisation_id:
                return user.organisation
            raise Http404(gettext_lazy("没有可填报的单位。"))
        return first
    try:
        pk = int(unit_id)
    except (TypeError, ValueError):
        raise Http404(gettext_lazy("单位不存在。")) from None
    if pk == user.organisation_id:
        return user.organisation  # the user's own unit: no query, and its subtree is read once
    unit = Organisation.objects.filter(organisation_scope_q(user), pk=pk).first()
    if unit is None:
        raise Http404(gettext_lazy("单位不存在。"))
    return unit
