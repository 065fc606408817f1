"""The head's review: approve a selection or all, return with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from projects.exceptions import ConflictError

from .. import permissions
from ..forms import (
    ReturnForm,
)
from ..measures import time_progress
from ..models import MonthlyReport
from ..selectors.pages import (
    review_rows,
    submitted_reports,
)
from ..services import (
    report_return,
    reports_approve,
)
from .common import _page_url, _period_context, _unit_and_period

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
