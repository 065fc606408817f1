"""Exports built in the background, with progress and a download."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .. import permissions

# --- exports built in the background -------------------------------------------------------


def export_job_start(*, actor, kind: str, params: dict):
    """Queue a large export; the job's page shows its progress and then the download link."""
    from config.tasks import enqueue_on_commit

    from ..models import ExportJob

    if not permissions.can_see_inclusion(actor):
        raise PermissionDenied("您没有导出入库纳统报表的权限。")
    job = ExportJob.objects.create(kind=kind, params=params, requested_by=actor)
    enqueue_on_commit("inclusion.run_export", job.pk)
    return job


def export_job_run(job_id: int) -> None:
    """Build the job's workbook, saving progress as it goes (outside a transaction, so the page sees
    it). Idempotent: a finished job is left as it is."""
    from ..choices import JobStatus
    from ..excel import build_export
    from ..models import ExportJob

    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    def progress(done, total):
        ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    params = job.params
    try:
        name, data = build_export(
            job.kind,
            user=job.requested_by,
            year=params["year"],
            month=params["month"],
            filters=_filters_from_params(params.get("filters", {})),
            progress=progress,
        )
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, file_name=name[:200], content=data, finished_at=timezone.now()
    )


def _filters_from_params(raw: dict) -> dict:
    from ..filters import InclusionFilterForm
    from ..selectors import active_rules

    form = InclusionFilterForm(raw, rules=active_rules())
    form.is_valid()
    return form.values()
