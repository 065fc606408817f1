"""Thin Celery tasks of the dispatch machinery; beat triggers the first two."""

from celery import shared_task

from . import services


@shared_task(name="scheduling.sweep")
def sweep():
    result = services.sweep()
    return {"started": len(result.started), "retried": len(result.retried)}


@shared_task(name="scheduling.redeliver_pending")
def redeliver_pending():
    return services.redeliver_pending()


@shared_task(name="scheduling.deliver")
def deliver(delivery_ids):
    return services.deliver(delivery_ids)
