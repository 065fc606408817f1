"""Bulletins (通报): list, draft, edit, publish, .docx and .xlsx, templates."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import periods
from projects.exceptions import ConflictError

from .. import bulletins as wording
from .. import permissions
from ..choices import BulletinStatus
from ..exports import bulletin_docx, bulletin_xlsx
from ..forms import BulletinForm, TemplateForm
from ..models import BulletinTemplate
from ..selectors.bulletins import bulletin_get_for_user, bulletins_for_user
from ..selectors.dashboard import dashboard_for
from ..selectors.scopes import (
    CITY,
    Scope,
    areas,
)
from ..services import (
    bulletin_create,
    bulletin_publish,
    bulletin_template_save,
    bulletin_update,
)
from .dashboards import _period

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
