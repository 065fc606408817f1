"""Monthly-report jobs of the dispatch rhythm, called by name with a ScheduleRun id."""

from celery import shared_task

from scheduling.jobs import run_job

from . import dispatch


@shared_task(name="reporting.report_due_reminder")
def report_due_reminder(run_id):
    return run_job(run_id, dispatch.report_due_reminder)


@shared_task(name="reporting.report_missing_list")
def report_missing_list(run_id):
    return run_job(run_id, dispatch.report_missing_list)
