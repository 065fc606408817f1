"""Pages of monthly progress (月度进展): the unit's grid, review, the office overview, one report,
corrections, photos and the Excel round trip. Thin: parse input → selector/service → respond.

Site photos are served through the portal, never from a public media URL: only users who may
see the report's project get the file (out of scope → 404, like every other detail)."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.scoping import organisation_scope_q
from projects.choices import ImportKind
from projects.exceptions import ConflictError
from projects.importing.safety import UnsafeFile
from projects.models import ImportBatch

from . import permissions
from .choices import ReportStatus
from .excel import (
    ImportNotReady,
    grid_workbook,
    monthly_import_commit,
    monthly_import_preview,
)
from .forms import (
    CorrectionForm,
    GridUploadForm,
    PhotoForm,
    ReturnForm,
    grid_post_data,
    grid_rows_from_post,
)
from .measures import time_progress
from .models import MonthlyReport, ReportPhoto
from .photos import photo_add
from .selectors.pages import (
    dossier_progress,
    due_date,
    grid_for,
    grid_leftovers,
    office_overview,
    parse_period,
    period_choices,
    report_history,
    reporting_units_for_user,
    review_rows,
    submitted_reports,
    unit_for_user,
)
from .selectors.reports import report_get_for_user, reports_for_user
from .services import (
    ReportConflict,
    ReportRowErrors,
    check_period,
    report_correct,
    report_return,
    reports_approve,
    reports_save,
    reports_submit,
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


# --- the grid ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_grid(request):
    user = request.user
    if not _can_view_grid(user):
        raise PermissionDenied(_("您没有查看月度填报的权限。"))
    unit, year, month = _unit_and_period(request)
    # A save needs only which rows it may write; the running totals are read when a page is drawn.
    grid = grid_for(unit=unit, year=year, month=month, running_totals=request.method != "POST")
    can_write = permissions.can_enter_reports(user) and permissions.may_enter_unit(user, unit)
    conflict_ids: list[int] = []
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_("您没有填报月度进展的权限。"))
        period_error = check_period(request.POST.get("year"), request.POST.get("month"))
        if period_error:
            # Never fall back to another month on a write: the rows belong to the month posted.
            messages.error(request, _("%(error)s，所有修改均未保存。") % {"error": period_error})
            return redirect(_page_url("reporting:report_grid", unit.pk, year, month))
        submit = request.POST.get("action") == "submit"
        rows, posted, early_errors = grid_rows_from_post(grid_post_data(request.POST), grid)
        by_project = grid.by_project()
        try:
            if early_errors:
                raise ReportRowErrors(early_errors)
            with transaction.atomic():
                saved = reports_save(actor=user, year=year, month=month, rows=rows, submit=submit)
                submitted = 0
                if submit:
                    # Rows not sent (unchanged drafts) are submitted too: 全部提交 means the whole unit.
                    submitted = sum(1 for r in saved if r.status == ReportStatus.SUBMITTED)
                    submitted += reports_submit(actor=user, year=year, month=month, unit=unit)
        except ReportConflict as exc:
            # Nothing was written. Rows someone else changed show their new values; the user's
            # other input stays on the page so it is not lost.
            messages.error(request, exc.message)
            conflict_ids = exc.project_ids
            grid = grid_for(unit=unit, year=year, month=month)
            by_project = grid.by_project()
            for pid, values in posted.items():
                if pid not in conflict_ids and pid in by_project:
                    by_project[pid].posted = values
            for pid in conflict_ids:
                if pid in by_project:
                    by_project[pid].errors = {
                        "__all__": [_("该项目已被他人修改，已显示最新内容，请核对后重新填写。")]
                    }
        except ReportRowErrors as exc:
            grid = grid_for(unit=unit, year=year, month=month)
            by_project = grid.by_project()
            for pid, values in posted.items():
                by_project[pid].posted = values
            for pid, fields in exc.row_errors.items():
                if pid in by_project:
                    by_project[pid].errors = fields
            n = len(exc.row_errors)
            messages.error(
                request, _("有 %(n)s 个项目填报有误，请按提示修改后重新保存。所有修改均未保存。") % {"n": n}
            )
        except ValidationError as exc:
            grid = grid_for(unit=unit, year=year, month=month)
            messages.error(request, "；".join(exc.messages))
        else:
            if submit:
                messages.success(
                    request, _submit_message(submitted, grid_leftovers(unit=unit, year=year, month=month))
                )
            else:
                # Without script every row is posted; count the rows whose version moved.
                sent_versions = {row.project_id: row.version for row in rows}
                changed = sum(1 for r in saved if r.version != sent_versions.get(r.project_id))
                messages.success(request, _("已保存草稿（%(n)s 个项目）。") % {"n": changed})
            return redirect(_page_url("reporting:report_grid", unit.pk, year, month))
    context = {
        **_period_context(request, unit, year, month),
        "grid": grid,
        "can_write": can_write and grid.any_editable,
        "can_review": permissions.can_review_reports(user) and permissions.may_review_unit(user, unit),
        "conflict_ids": conflict_ids,
        "status_labels": dict(ReportStatus.choices),
        "due": due_date(year, month),
    }
    return render(request, "reporting/report_grid.html", context)


def _submit_message(submitted: int, leftovers: dict) -> str:
    text = _("已提交 %(n)s 个项目的月度进展，等待审核。") % {"n": submitted}
    returned = leftovers["returned"]
    if returned:
        names = _("、").join(
            _("“%(name)s”（退回原因：%(reason)s）") % {"name": name, "reason": reason}
            for name, reason in returned[:5]
        )
        more = _("等 %(n)s 个项目") % {"n": len(returned)} if len(returned) > 5 else ""
        text += _("以下已退回的项目自退回后未修改，未提交：%(names)s%(more)s，请按退回原因修改后再提交。") % {
            "names": names,
            "more": more,
        }
    if leftovers["missing"]:
        text += _("还有 %(n)s 个项目未填报。") % {"n": leftovers["missing"]}
    return text


# --- review --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_review(request):
    user = request.user
    if not permissions.can_review_reports(user):
        raise PermissionDenied(_("您没有审核月度进展的权限。"))
    unit, year, month = _unit_and_period(request)
    reports = submitted_reports(unit=unit, year=year, month=month)
    return_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("approve_all", "approve_selected"):
                # 全部通过: the rows the head saw and may approve; 通过所选: the rows ticked.
                field = "report_ids" if action == "approve_selected" else "all_ids"
                ids = [int(i) for i in request.POST.getlist(field) if i.isdigit()]
                if not ids:
                    messages.error(request, _("请先勾选要审核通过的项目。"))
                    return redirect(_page_url("reporting:report_review", unit.pk, year, month))
                try:
                    n = reports_approve(actor=user, report_ids=ids)
                except PermissionDenied as exc:  # four eyes, or another unit's report: say which
                    messages.error(request, _("%(error)s未审核任何项目。") % {"error": exc})
                else:
                    messages.success(request, _("已审核通过 %(n)s 个项目的月度进展。") % {"n": n})
                return redirect(_page_url("reporting:report_review", unit.pk, year, month))
            if action == "return":
                return_form = ReturnForm(request.POST)
                if return_form.is_valid():
                    report = _report_in(reports, return_form.cleaned_data["report_id"])
                    returned = report_return(
                        actor=user, report=report, reason=return_form.cleaned_data["reason"]
                    )
                    messages.success(
                        request,
                        _("已退回“%(name)s”，原因：%(reason)s")
                        % {"name": report.project.name, "reason": returned.return_reason},
                    )
                    return redirect(_page_url("reporting:report_review", unit.pk, year, month))
                messages.error(request, _("退回须填写原因。"))
        except (ValidationError, ConflictError) as exc:
            messages.error(request, getattr(exc, "message", None) or "；".join(exc.messages))
    rows = review_rows(user=user, unit=unit, year=year, month=month)
    context = {
        **_period_context(request, unit, year, month),
        "rows": rows,
        "reports": [row.report for row in rows],
        "approvable": [row.report for row in rows if row.may_approve],
        "own_count": sum(1 for row in rows if not row.may_approve),
        "time_progress": time_progress(month),
        "return_form": return_form,
        "failed_id": return_form.data.get("report_id") if return_form is not None else None,
    }
    return render(request, "reporting/report_review.html", context)


def _report_in(reports, report_id) -> MonthlyReport:
    for r in reports:
        if r.pk == report_id:
            return r
    raise Http404(_("月度进展不存在、不在待审核状态或不在您的管辖范围内。"))


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


# --- one report ----------------------------------------------------------------------------


def report_detail(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    user = request.user
    context = {
        "report": report,
        "project": report.project,
        "revisions": list(report.revisions.all()),
        "photos": list(report.photos.all()),
        "history": report_history(report),
        "can_edit": permissions.can_edit_report(user, report),
        "can_correct": permissions.can_correct_report(user, report),
        "photo_form": PhotoForm(),
        "grid_url": _page_url(
            "reporting:report_grid", report.project.reporting_unit_id, report.year, report.month
        ),
    }
    return render(request, "reporting/report_detail.html", context)


@require_POST
def report_photo_upload(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_report(request.user, report):
        raise PermissionDenied(_("只有填报单位在草稿或退回状态下可以上传照片。"))
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            photo_add(
                actor=request.user,
                report=report,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, _("照片已上传。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
    return redirect("reporting:report_detail", pk=report.pk)


@require_http_methods(["GET", "POST"])
def report_correct_view(request, pk):
    report = report_get_for_user(user=request.user, pk=pk)
    if not permissions.can_correct_report(request.user, report):
        raise PermissionDenied(_("只有已审核的月度进展可以更正，且须由填报单位或专班办公室办理。"))
    row_errors: dict = {}
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                report_correct(
                    actor=request.user,
                    report=report,
                    row=form.report_row(report.project_id),
                    reason=form.cleaned_data["reason"],
                )
            except ReportRowErrors as exc:
                row_errors = exc.row_errors.get(report.project_id, {})
                for field, msgs in row_errors.items():
                    form.add_error(field if field in form.fields else None, msgs)
            except ConflictError as exc:
                messages.error(request, exc.message)
            except ValidationError as exc:
                for field, msgs in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                    form.add_error("reason" if field == "correction_reason" else None, msgs)
            else:
                messages.success(request, _("已更正，请重新提交审核。"))
                return redirect("reporting:report_detail", pk=report.pk)
    else:
        form = CorrectionForm(
            initial={
                "invested": report.invested,
                "image_progress": report.image_progress,
                "percent_complete": "" if report.percent_complete is None else report.percent_complete,
                "problems": report.problems,
                "explanation": report.explanation,
                "version": report.version,
            }
        )
    return render(request, "reporting/report_correct.html", {"report": report, "form": form})


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
