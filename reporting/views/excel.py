"""The Excel round trip: download the grid's workbook, upload it back."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.scoping import organisation_scope_q
from projects.choices import ImportKind
from projects.importing.safety import UnsafeFile
from projects.models import ImportBatch

from .. import permissions
from ..excel import (
    ImportNotReady,
    grid_workbook,
    monthly_import_commit,
    monthly_import_preview,
)
from ..forms import (
    GridUploadForm,
)
from ..models import ReportPhoto
from ..selectors.pages import (
    dossier_progress,
    grid_for,
    parse_period,
    unit_for_user,
)
from ..selectors.reports import reports_for_user
from ..services import (
    ReportConflict,
    ReportRowErrors,
)
from .common import _can_view_grid, _page_url, _period_context, _unit_and_period

# --- Excel round trip ----------------------------------------------------------------------


def report_export(request):
    user = request.user
    if not _can_view_grid(user):
        raise PermissionDenied(_("您没有导出月度填报表的权限。"))
    unit = unit_for_user(user, request.GET.get("unit"))
    year, month = parse_period(request.GET)
    grid = grid_for(unit=unit, year=year, month=month)
    response = HttpResponse(
        grid_workbook(grid), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{unit.name}{year}年{month}月月度进展填报表.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"report-{year}-{month:02d}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@require_http_methods(["GET", "POST"])
def report_import(request):
    user = request.user
    if not permissions.can_enter_reports(user):
        raise PermissionDenied(_("您没有导入月度进展的权限。"))
    unit, year, month = _unit_and_period(request)
    if not permissions.may_enter_unit(user, unit):
        raise PermissionDenied(_("您只能查看%(unit)s的月度进展，不能为其导入。") % {"unit": unit.name})
    form = GridUploadForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = monthly_import_preview(
                actor=user, unit=unit, data=upload.read(), file_name=upload.name, year=year, month=month
            )
        except UnsafeFile as exc:
            error = str(exc)
        else:
            return redirect("reporting:report_import_preview", batch_id=batch.pk)
    return render(
        request,
        "reporting/report_import.html",
        {**_period_context(request, unit, year, month), "form": form, "error": error},
        status=400 if error or form.errors else 200,
    )


def _batch_for(user, batch_id) -> ImportBatch:
    qs = ImportBatch.objects.filter(kind=ImportKind.MONTHLY, pk=batch_id)
    if not user.sees_all_projects:
        qs = qs.filter(uploaded_by=user)
    batch = qs.filter(organisation__in=_scoped_orgs(user)).first()
    if batch is None:
        raise Http404(_("导入批次不存在。"))
    return batch


def _scoped_orgs(user):
    return Organisation.objects.filter(organisation_scope_q(user))


def report_import_preview(request, batch_id):
    if not permissions.can_enter_reports(request.user):
        raise PermissionDenied(_("您没有导入月度进展的权限。"))
    batch = _batch_for(request.user, batch_id)
    summary = batch.summary
    return render(
        request,
        "reporting/report_import_preview.html",
        {"batch": batch, "summary": summary, "rows": summary.get("rows", [])},
    )


@require_POST
def report_import_commit(request, batch_id):
    if not permissions.can_enter_reports(request.user):
        raise PermissionDenied(_("您没有导入月度进展的权限。"))
    batch = _batch_for(request.user, batch_id)
    try:
        n = monthly_import_commit(actor=request.user, batch=batch)
    except ImportNotReady as exc:
        messages.error(request, str(exc))
        return redirect("reporting:report_import_preview", batch_id=batch.pk)
    except (ReportConflict, ReportRowErrors) as exc:
        messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
        return redirect("reporting:report_import_preview", batch_id=batch.pk)
    summary = batch.summary
    messages.success(
        request,
        _("已导入 %(n)s 个项目的月度进展，均保存为草稿：请核对后点击“全部提交”送审。") % {"n": n}
        if n
        else _("无变化：文件内容与系统中一致。"),
    )
    return redirect(
        _page_url("reporting:report_grid", batch.organisation_id, summary["year"], summary["month"])
    )


@require_GET
def report_photo_file(request, pk: int, variant: str = "image"):
    try:
        photo = ReportPhoto.objects.select_related("report").get(
            pk=pk, report__in=reports_for_user(request.user).values("pk")
        )
    except ReportPhoto.DoesNotExist:
        raise Http404(_("照片不存在或不在您的管辖范围内。")) from None
    field = photo.thumbnail if variant == "thumb" and photo.thumbnail else photo.image
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("照片文件已丢失，请重新上传。")) from None
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def dossier_progress_section(user, project) -> dict:
    """The monthly-progress card of a project's dossier (registered in `ReportingConfig.ready`)."""
    context = dossier_progress(project=project)
    context["can_enter"] = permissions.can_enter_reports(user)
    return {"template": "reporting/report_dossier_card.html", "context": context}
