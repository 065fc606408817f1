"""The unit's grid: read, save, 全部提交."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import permissions
from ..choices import ReportStatus
from ..forms import (
    grid_post_data,
    grid_rows_from_post,
)
from ..selectors.pages import (
    due_date,
    grid_for,
    grid_leftovers,
)
from ..services import (
    ReportConflict,
    ReportRowErrors,
    check_period,
    reports_save,
    reports_submit,
)
from .common import _can_view_grid, _page_url, _period_context, _unit_and_period

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
