"""One report: its page, corrections, history and photos."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from projects.exceptions import ConflictError

from .. import permissions
from ..forms import (
    CorrectionForm,
    PhotoForm,
)
from ..photos import photo_add
from ..selectors.pages import (
    report_history,
)
from ..selectors.reports import report_get_for_user
from ..services import (
    ReportRowErrors,
    report_correct,
)
from .common import _page_url

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
