"""The map of key projects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from projects import periods

from ..selectors.maps import STAGE_COLOURS, key_project_points, outlines_geojson
from ..selectors.scopes import (
    own_scope,
)
from .dashboards import _period

# --- the map ------------------------------------------------------------------------------


@login_required
@require_GET
def key_map(request):
    year, month = _period(request)
    colour = request.GET.get("color") if request.GET.get("color") in ("stage", "lag") else "stage"
    scope = own_scope(request.user)
    area_id = scope.org.pk if scope is not None and scope.kind == "area" else None
    points = key_project_points(user=request.user, year=year, month=month, area_id=area_id)
    return render(
        request,
        "dashboards/map.html",
        {
            "year": year,
            "month": month,
            "colour": colour,
            "map_data": {
                "outlines": outlines_geojson(),
                "points": points,
                "colour": colour,
                "stage_colours": {str(k): v for k, v in STAGE_COLOURS.items()},
                "detail": reverse("projects:project_detail", args=[0]),
            },
            "count": len(points),
            "periods": periods.period_choices(back=24),
        },
    )
