"""Annual targets: list, edit, upload."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from projects.filters import current_year

from .. import permissions
from ..exports import targets_template
from ..forms import TargetForm
from ..models import TARGET_FIELDS, Target
from ..selectors.bulletins import targets_of_year
from ..selectors.scopes import (
    areas,
    departments,
)
from ..services import (
    target_save,
    targets_import,
)
from .bulletins import _download

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
