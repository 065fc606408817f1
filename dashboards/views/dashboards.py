"""The city's, an area's and a department's dashboards, and their drill-down lists."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import Organisation
from projects import periods
from reporting import measures

from .. import permissions
from ..choices import Audience, RacePeriod
from ..selectors.dashboard import dashboard_for
from ..selectors.drill import drill_projects, drill_rows
from ..selectors.ranking import ranking_for
from ..selectors.scopes import (
    CITY,
    area_scope_for,
    department_scope_for,
    own_scope,
)

# --- dashboards ---------------------------------------------------------------------------


def _dashboard_url(scope) -> str:
    if scope.kind == "city":
        return reverse("dashboards:city")
    if scope.kind == "area":
        return reverse("dashboards:area", args=[scope.org.pk])
    return reverse("dashboards:department", args=[scope.org.pk])


def _period(request):
    year, month = periods.parse_period(request.GET)
    return year, month


def _chart(dash) -> dict:
    """What the page's ECharts read (json_script): numbers as floats, labels as text."""

    def num(v):
        return None if v is None else float(v)

    return {
        "months": [f"{r['month']}月" for r in dash.series],
        "rate": [num(r["completion_rate"]) for r in dash.series],
        "time": [num(r["time_progress"]) for r in dash.series],
        "invested": [num(r["invested"]) for r in dash.series],
        "areas": [g.name for g in dash.by_area],
        "area_rate": [num(g.figures.completion_rate) for g in dash.by_area],
        "area_ids": [g.org_id for g in dash.by_area],
        "start_rate": num(dash.counts.start_rate),
        "resume_rate": num(dash.counts.resume_rate),
        "start_resume_rate": num(dash.counts.start_resume_rate),
        "time_progress": num(dash.figures.time_progress),
    }


def _render_dashboard(request, scope):
    year, month = _period(request)
    return render(request, "dashboards/dashboard.html", _dashboard_context(request, scope, year, month))


def _dashboard_context(request, scope, year: int, month: int) -> dict:
    dash = dashboard_for(scope, year, month)
    user = request.user
    audience = Audience.DEPARTMENTS if scope.kind == "department" else Audience.AREAS
    period = RacePeriod.MONTHLY
    ranking = ranking_for(user=user, year=year, month=month, period=period, audience=audience)
    drill_scope = {}
    if scope.kind == "area":
        drill_scope = {"area": scope.org.pk}
    elif scope.kind == "department":
        drill_scope = {"department": scope.org.pk}
    return {
        "dash": dash,
        "scope": scope,
        "chart": _chart(dash),
        "ranking": ranking,
        "ranking_period": period,
        "audience": audience,
        "drill_base": reverse("dashboards:drill"),
        "drill_query": urlencode({"year": year, "month": month, **drill_scope}),
        "periods": periods.period_choices(back=24),
        "structure_labels": measures.STRUCTURE_FLAGS,
        "can_manage": permissions.can_manage(user),
        "highlight": scope.org.pk if scope.kind != "city" and ranking else None,
    }


@login_required
@require_GET
def city(request):
    if not permissions.can_see_city(request.user):
        scope = own_scope(request.user)
        if scope is None:
            raise PermissionDenied("您没有查看全市看板的权限。")
        return redirect(_dashboard_url(scope))
    return _render_dashboard(request, CITY)


@login_required
@require_GET
def area(request, pk):
    return _render_dashboard(request, area_scope_for(request.user, pk))


@login_required
@require_GET
def department(request, pk):
    return _render_dashboard(request, department_scope_for(request.user, pk))


@login_required
@require_GET
def drill(request):
    """The projects behind one figure, with each project's own figures."""
    year, month = _period(request)
    code = request.GET.get("set", "")

    def int_or_none(name):
        value = request.GET.get(name)
        return int(value) if value and value.isdigit() else None

    area_id, department_id = int_or_none("area"), int_or_none("department")
    title, qs = drill_projects(
        user=request.user, code=code, year=year, month=month, area_id=area_id, department_id=department_id
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    where = ""
    if area_id:
        where = Organisation.objects.filter(pk=area_id).values_list("name", flat=True).first() or ""
    elif department_id:
        where = Organisation.objects.filter(pk=department_id).values_list("name", flat=True).first() or ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/drill.html",
        {
            "title": title,
            "where": where or ("全市" if request.user.sees_all_projects else "您可查看的项目"),
            "year": year,
            "month": month,
            "page": page,
            "rows": drill_rows(page.object_list, year=year, month=month),
            "query": query.urlencode(),
            "count": page.paginator.count,
        },
    )
