"""Ledger import pages: upload (with recent batches) → preview → confirm.

Thin views over `projects.importing.services`; leaders and statistics get 403, another user's
batch is a 404 unless you are the task-force office.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..choices import ImportStatus
from ..importing.forms import LedgerUploadForm
from ..importing.services import (
    ImportRefused,
    batch_for_user,
    check_can_import,
    ledger_commit,
    ledger_preview,
    recent_batches,
    result_text,
)


@require_http_methods(["GET", "POST"])
def import_list(request):
    check_can_import(request.user)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    file_error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = ledger_preview(
            actor=request.user, file_name=upload.name, data=upload.read(), year=form.cleaned_data["year"]
        )
        if not batch.summary.get("file_error"):
            return redirect("projects:import_detail", pk=batch.pk)
        file_error = batch.summary["file_error"]
    return render(
        request,
        "projects/import_list.html",
        {"form": form, "file_error": file_error, "batches": recent_batches(user=request.user)},
        status=400 if request.method == "POST" else 200,
    )


def _batch(request, pk):
    check_can_import(request.user)
    batch = batch_for_user(user=request.user, pk=pk)
    if batch is None:
        raise Http404("没有这个导入批次。")
    return batch


@require_http_methods(["GET"])
def import_detail(request, pk):
    batch = _batch(request, pk)
    summary = batch.summary or {}
    counts = summary.get("counts", {})
    can_commit = (
        batch.status == ImportStatus.PREVIEWED and not counts.get("errors") and not summary.get("file_error")
    )
    return render(
        request,
        "projects/import_detail.html",
        {"batch": batch, "summary": summary, "counts": counts, "can_commit": can_commit},
    )


@require_POST
def import_commit(request, pk):
    batch = _batch(request, pk)
    try:
        batch = ledger_commit(actor=request.user, batch=batch)
    except ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("projects:import_detail", pk=pk)
    messages.success(request, f"已导入“{batch.file_name}”：{result_text(batch)}")
    return redirect(reverse("projects:project_list"))
