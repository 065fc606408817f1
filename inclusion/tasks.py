"""Background jobs of 入库纳统: thin, by id, one service each."""

from celery import shared_task

from . import services


@shared_task(name="inclusion.run_export")
def run_export(job_id: int) -> None:
    services.export_job_run(job_id)
