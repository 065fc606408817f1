"""Pages of the dashboards app: each role's start page, the city/area/department dashboards, the
projects behind a figure, the 赛马 ranking, the key-project map, bulletins and targets. Thin:
parse input → selector/service → respond."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import RoleCode
from accounts.models import Organisation
from projects import periods
from projects import permissions as project_permissions
from projects.exceptions import ConflictError
from projects.filters import current_year
from projects.selectors import home_summary, projects_for_user
from reporting import measures
from reporting import permissions as report_permissions
from reporting.selectors.pages import start_page_tasks

from . import bulletins as wording
from . import permissions
from .choices import Audience, BulletinStatus, Dimension, Method, RacePeriod
from .exports import bulletin_docx, bulletin_xlsx, targets_template
from .forms import BulletinForm, TargetForm, TemplateForm, indicator_formset
from .models import TARGET_FIELDS, BulletinTemplate, Target
from .selectors import home_by_county
from .selectors.bulletins import bulletin_get_for_user, bulletins_for_user, targets_of_year
from .selectors.dashboard import dashboard_for
from .selectors.drill import drill_projects, drill_rows
from .selectors.maps import STAGE_COLOURS, key_project_points, outlines_geojson
from .selectors.ranking import PeriodError, ranking_for, scheme_get, scheme_rules
from .selectors.scopes import CITY, Scope, area_scope_for, areas, department_scope_for, departments, own_scope
from .services import (
    bulletin_create,
    bulletin_publish,
    bulletin_template_save,
    bulletin_update,
    race_scheme_save,
    ranking_publish,
    target_save,
    targets_import,
)

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


def _dashboard_url(scope) -> str:
    if scope.kind == "city":
        return reverse("dashboards:city")
    if scope.kind == "area":
        return reverse("dashboards:area", args=[scope.org.pk])
    return reverse("dashboards:department", args=[scope.org.pk])


# --- dashboards ---------------------------------------------------------------------------


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


# --- bulletins ----------------------------------------------------------------------------


@login_required
@require_GET
def bulletin_list(request):
    year, month = _period(request)
    return render(
        request,
        "dashboards/bulletin_list.html",
        {
            "bulletins": bulletins_for_user(request.user)[:200],
            "can_manage": permissions.can_manage(request.user),
            "areas": areas(),
            "year": year,
            "month": month,
            "periods": periods.period_choices(back=24),
        },
    )


@login_required
@require_POST
def bulletin_create_view(request):
    if not permissions.can_manage(request.user):
        raise PermissionDenied("只有项目攻坚专班办公室可以起草通报。")
    year, month = periods.parse_period(request.POST)
    area_id = request.POST.get("area")
    area_org = areas().filter(pk=area_id).first() if area_id else None
    bulletin = bulletin_create(actor=request.user, year=year, month=month, area=area_org)
    messages.success(request, "已按通报模板生成草稿：请核对文字后发布。")
    return redirect("dashboards:bulletin_edit", pk=bulletin.pk)


def _bulletin_segments(bulletin):
    if bulletin.status == BulletinStatus.PUBLISHED:
        return {code: [tuple(p) for p in parts] for code, parts in bulletin.figures.items()}
    scope = CITY if bulletin.area is None else Scope("area", bulletin.area)
    return wording.segments(dashboard_for(scope, bulletin.year, bulletin.month))


@login_required
@require_GET
def bulletin_detail(request, pk):
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    seg = _bulletin_segments(bulletin)
    return render(
        request,
        "dashboards/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "paragraphs": wording.render_html(bulletin.body, seg),
            "can_manage": permissions.can_manage(request.user),
            "published": bulletin.status == BulletinStatus.PUBLISHED,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_edit(request, pk):
    if not permissions.can_manage(request.user):
        bulletin_get_for_user(user=request.user, pk=pk)  # 404 before 403 for what one cannot see
        raise PermissionDenied("只有项目攻坚专班办公室可以修改通报。")
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    if bulletin.status == BulletinStatus.PUBLISHED:
        messages.info(request, "通报已发布，不能再修改。")
        return redirect("dashboards:bulletin_detail", pk=pk)
    form = BulletinForm(request.POST or None, instance_values=bulletin)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin_update(
                actor=request.user,
                bulletin=bulletin,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, "通报已保存。")
            return redirect("dashboards:bulletin_detail", pk=pk)
        except ConflictError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    body = form.data.get("body", bulletin.body) if form.is_bound else bulletin.body
    return render(
        request,
        "dashboards/bulletin_edit.html",
        {
            "bulletin": bulletin,
            "form": form,
            "markers": wording.MARKERS,
            "preview": wording.render_html(body, _bulletin_segments(bulletin)),
        },
    )


@login_required
@require_POST
def bulletin_publish_view(request, pk):
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    bulletin_publish(actor=request.user, bulletin=bulletin)
    messages.success(request, "通报已发布：其中的数据已按发布时刻固定。")
    return redirect("dashboards:bulletin_detail", pk=pk)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def bulletin_docx_view(request, pk):
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    paragraphs = wording.render_text(bulletin.body, _bulletin_segments(bulletin))
    return _download(
        bulletin_docx(bulletin, paragraphs),
        f"{bulletin.title}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
@require_GET
def bulletin_xlsx_view(request, pk):
    bulletin = bulletin_get_for_user(user=request.user, pk=pk)
    seg = _bulletin_segments(bulletin)
    paragraphs = wording.render_text(bulletin.body, seg)
    return _download(
        bulletin_xlsx(bulletin, paragraphs, seg, request.build_absolute_uri("/")),
        f"{bulletin.title}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_templates(request):
    if not permissions.can_manage(request.user):
        raise PermissionDenied("只有项目攻坚专班办公室可以修改通报模板。")
    templates = list(BulletinTemplate.objects.all())
    pk = request.GET.get("pk") or request.POST.get("pk")
    current = next((t for t in templates if str(t.pk) == str(pk)), None)
    initial = (
        {"name": current.name, "body": current.body, "for_city": current.for_city}
        if current
        else {"name": "全市月度通报", "body": wording.CITY_TEMPLATE, "for_city": True}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = bulletin_template_save(actor=request.user, template=current, **form.cleaned_data)
            messages.success(request, "通报模板已保存，新起草的通报将使用它。")
            return redirect(f"{reverse('dashboards:bulletin_templates')}?pk={saved.pk}")
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    return render(
        request,
        "dashboards/bulletin_templates.html",
        {"templates": templates, "current": current, "form": form, "markers": wording.MARKERS},
    )


# --- targets --------------------------------------------------------------------------------


@login_required
@require_GET
def target_list(request):
    if not permissions.can_see_city(request.user):
        raise PermissionDenied("年度目标由专班办公室维护，全市领导可查看。")
    year = _year(request)
    targets = targets_of_year(year)
    city_org = Organisation.objects.filter(kind="city").order_by("pk").first()
    orgs = ([city_org] if city_org else []) + list(areas()) + list(departments())
    return render(
        request,
        "dashboards/target_list.html",
        {
            "year": year,
            "rows": [(o, targets.get(o.pk)) for o in orgs],
            "fields": [(f, Target._meta.get_field(f).verbose_name) for f in TARGET_FIELDS],
            "can_manage": permissions.can_manage(request.user),
            "years": range(current_year() + 1, current_year() - 4, -1),
        },
    )


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or current_year())
    except ValueError:
        return current_year()
    return year if 2000 <= year <= 2100 else current_year()


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, org_pk, year):
    if not permissions.can_manage(request.user):
        raise PermissionDenied("只有项目攻坚专班办公室可以设置年度目标。")
    org = Organisation.objects.filter(
        pk=org_pk, kind__in=["city", "county", "district", "county_city", "zone", "department"]
    ).first()
    if org is None or not 2000 <= year <= 2100:
        raise Http404("没有找到该地区或部门。")
    current = Target.objects.filter(year=year, organisation=org).first()
    form = TargetForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            target_save(actor=request.user, year=year, organisation=org, values=form.cleaned_data)
            messages.success(request, f"{org.name}{year}年目标已保存。")
            return redirect(f"{reverse('dashboards:target_list')}?year={year}")
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
    return render(request, "dashboards/target_form.html", {"form": form, "org": org, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def target_upload(request):
    if not permissions.can_manage(request.user):
        raise PermissionDenied("只有项目攻坚专班办公室可以导入年度目标。")
    year = _year(request)
    if request.method == "GET":
        return _download(
            targets_template(year),
            f"{year}年目标任务表.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的目标表（.xlsx）。")
    elif upload.size > 5 * 1024 * 1024:
        messages.error(request, "文件过大（不超过5MB）。")
    else:
        try:
            count = targets_import(actor=request.user, year=year, content=upload.read())
            messages.success(request, f"已导入{count}个单位的{year}年目标。")
        except ValidationError as exc:
            messages.error(request, "目标表有误，未导入任何数据：" + "；".join(exc.messages[:20]))
    return redirect(f"{reverse('dashboards:target_list')}?year={year}")
