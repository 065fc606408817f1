"""The office's reporting-state page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..selectors.pages import (
    office_overview,
    parse_period,
    period_choices,
)

# --- office overview -----------------------------------------------------------------------


def report_office(request):
    user = request.user
    if not permissions.can_see_office_overview(user):
        raise PermissionDenied(_("只有专班办公室、领导和统计局可以查看填报进度。"))
    year, month = parse_period(request.GET)
    overview = office_overview(user=user, year=year, month=month)
    return render(
        request,
        "reporting/report_office.html",
        {
            "overview": overview,
            "year": year,
            "month": month,
            "periods": period_choices(),
            "today": timezone.localdate(),
        },
    )
