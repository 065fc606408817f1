"""Leaders' jobs of the dispatch rhythm, called by name with a ScheduleRun id."""

from celery import shared_task

from scheduling.jobs import run_job

from . import dispatch


@shared_task(name="dashboards.friday_digest")
def friday_digest(run_id):
    return run_job(run_id, dispatch.friday_digest)


@shared_task(name="dashboards.monthly_bulletin_notice")
def monthly_bulletin_notice(run_id):
    return run_job(run_id, dispatch.monthly_bulletin_notice)


@shared_task(name="dashboards.vice_mayor_dispatch")
def vice_mayor_dispatch(run_id):
    return run_job(run_id, dispatch.vice_mayor_dispatch)


@shared_task(name="dashboards.horse_race_notice")
def horse_race_notice(run_id):
    return run_job(run_id, dispatch.horse_race_notice)


@shared_task(name="dashboards.mayor_dispatch_list")
def mayor_dispatch_list(run_id):
    return run_job(run_id, dispatch.mayor_dispatch_list)
