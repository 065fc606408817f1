"""赛马: the ranking, its publication and the office's scheme."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import periods
from projects.exceptions import ConflictError
from projects.filters import current_year
from reporting import measures

from .. import permissions
from ..choices import Audience, Dimension, Method, RacePeriod
from ..forms import indicator_formset
from ..selectors.ranking import PeriodError, ranking_for, scheme_get, scheme_rules
from ..selectors.scopes import (
    own_scope,
)
from ..services import (
    race_scheme_save,
    ranking_publish,
)
from .dashboards import _period

# --- 赛马 ---------------------------------------------------------------------------------


def _race_params(request):
    year, month = _period(request)
    period = request.GET.get("period") or request.POST.get("period") or RacePeriod.MONTHLY
    audience = request.GET.get("audience") or request.POST.get("audience") or Audience.AREAS
    if period not in RacePeriod.values:
        period = RacePeriod.MONTHLY
    if audience not in Audience.values:
        audience = Audience.AREAS
    return year, month, period, audience


@login_required
@require_GET
def ranking(request):
    year, month, period, audience = _race_params(request)
    error = None
    result = None
    try:
        result = ranking_for(user=request.user, year=year, month=month, period=period, audience=audience)
    except PeriodError as exc:
        error = str(exc)
    own = own_scope(request.user)
    return render(
        request,
        "dashboards/ranking.html",
        {
            "result": result,
            "error": error,
            "year": year,
            "month": month,
            "period": period,
            "audience": audience,
            "periods": RacePeriod.choices,
            "audiences": Audience.choices,
            "months": periods.period_choices(back=24),
            "dimensions": Dimension.choices,
            "can_manage": permissions.can_manage(request.user),
            "own_id": own.org.pk if own and own.org else None,
            "sees_all": request.user.sees_all_projects,
            "drill_base": reverse("dashboards:drill"),
            "by_param": "area" if audience == Audience.AREAS else "department",
        },
    )


@login_required
@require_POST
def ranking_publish_view(request):
    year, month, period, audience = _race_params(request)
    try:
        year = int(request.POST.get("year", year))
        month = int(request.POST.get("month", month))
        ranking_publish(actor=request.user, year=year, month=month, period=period, audience=audience)
        messages.success(
            request, f"{year}年{month}月{RacePeriod(period).label}排名已发布，各单位现在可以查看。"
        )
    except (ValidationError, ConflictError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    query = urlencode({"year": year, "month": month, "period": period, "audience": audience})
    return redirect(f"{reverse('dashboards:ranking')}?{query}")


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request):
    if not permissions.can_manage(request.user):
        raise PermissionDenied("只有项目攻坚专班办公室可以设置赛马计分办法。")
    year = int(request.GET.get("year") or request.POST.get("year") or current_year())
    audience = request.GET.get("audience") or request.POST.get("audience") or Audience.AREAS
    if audience not in Audience.values:
        audience = Audience.AREAS
    name, rules = scheme_rules(year, audience)
    initial = [
        {
            "dimension": r.dimension,
            "code": r.code,
            "weight": r.weight,
            "method": r.method,
            "floor": r.floor,
            "target": r.target,
            "thresholds": json.dumps([list(map(float, t)) for t in r.thresholds]) if r.thresholds else "",
        }
        for r in rules
    ]
    if request.method == "POST":
        formset = indicator_formset(request.POST)
        if formset.is_valid():
            rows = [
                form.row() for form in formset.forms if form.has_changed() or form.cleaned_data.get("code")
            ]
            rows = [r for r in rows if r and not r.pop("DELETE", False)]
            try:
                race_scheme_save(
                    actor=request.user,
                    year=year,
                    audience=audience,
                    name=request.POST.get("name", name),
                    indicators=rows,
                )
                messages.success(request, "赛马计分办法已保存。")
                return redirect(
                    f"{reverse('dashboards:scheme_edit')}?{urlencode({'year': year, 'audience': audience})}"
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
    else:
        formset = indicator_formset(initial=initial)
    total = sum((r.weight for r in rules), start=0)
    return render(
        request,
        "dashboards/scheme_edit.html",
        {
            "formset": formset,
            "year": year,
            "audience": audience,
            "audiences": Audience.choices,
            "name": name,
            "saved": scheme_get(year, audience) is not None,
            "total": total,
            "indicators": measures.INDICATORS,
            "methods": Method.choices,
        },
    )
