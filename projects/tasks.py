"""Project jobs of the dispatch rhythm, called by name with a ScheduleRun id."""

from celery import shared_task

from scheduling.jobs import run_job

from . import dispatch


@shared_task(name="projects.xun_approvals")
def xun_approvals(run_id):
    return run_job(run_id, dispatch.xun_approvals)


@shared_task(name="projects.reserve_review")
def reserve_review(run_id):
    return run_job(run_id, dispatch.reserve_review)
