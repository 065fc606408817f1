"""Ticket jobs of the dispatch rhythm, called by name with a ScheduleRun id."""

from celery import shared_task

from scheduling.jobs import run_job

from . import dispatch


@shared_task(name="issues.ticket_daily")
def ticket_daily(run_id):
    return run_job(run_id, dispatch.ticket_daily)


@shared_task(name="issues.ticket_weekly")
def ticket_weekly(run_id):
    return run_job(run_id, dispatch.ticket_weekly)
