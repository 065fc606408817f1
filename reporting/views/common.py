"""What every monthly-progress page shares: who may see the grid, the unit and month asked for."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation

from .. import permissions
from ..selectors.pages import (
    parse_period,
    period_choices,
    reporting_units_for_user,
    unit_for_user,
)
from ..services import (
    check_period,
)


def _can_view_grid(user) -> bool:
    return permissions.can_read_reports(user)


def _page_url(name: str, unit_id: int, year: int, month: int) -> str:
    query = {"unit": unit_id, "year": year, "month": month}
    return f"{reverse(name)}?{urlencode(query)}"


def _unit_and_period(request) -> tuple[Organisation, int, int]:
    """The unit and month a page is about. A month that cannot be reported (in the future, or not a
    month) falls back to the default one, and the user is told so rather than silently shown another."""
    params = request.POST if request.method == "POST" else request.GET
    unit = unit_for_user(request.user, params.get("unit"))
    year, month = parse_period(params)
    if request.method == "GET" and (params.get("year") or params.get("month")):
        period_error = check_period(params.get("year") or year, params.get("month") or month)
        if period_error:
            messages.warning(
                request,
                _("%(error)s，已显示%(year)s年%(month)s月。")
                % {"error": period_error, "year": year, "month": month},
            )
    return unit, year, month


def _period_context(request, unit, year, month) -> dict:
    user = request.user
    units = list(reporting_units_for_user(user)) if user.sees_all_projects or not user.organisation_id else []
    return {
        "unit": unit,
        "year": year,
        "month": month,
        "periods": period_choices(),
        "units": units,
    }
