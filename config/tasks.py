"""Queueing background work from a service: after the commit, by task name, never failing the write.

    enqueue_on_commit("reporting.send_report_due_reminder", unit_id, year=2025, month=6)

By name, so one app queues another app's job without importing it (see STYLE.md, Layout).
"""

from __future__ import annotations

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

from .celery import app

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args, **kwargs) -> None:
    """Send `task_name(*args, **kwargs)` to the workers once the current transaction commits.

    Nothing is sent if it rolls back. If the broker cannot be reached the caller's write has already
    committed: the failure is logged as a warning, not raised into the request, so a job queued this
    way must be one its periodic sweep can find again in the database.
    Arguments must be JSON (ids, not model instances).
    """
    transaction.on_commit(lambda: _send(task_name, args, kwargs))


def _send(task_name: str, args: tuple, kwargs: dict) -> None:
    if app.conf.task_always_eager:
        # `send_task` ignores eager mode; run the registered task here instead (the `celery_eager`
        # fixture, or a newcomer without Redis). Importing each app's tasks.py registers them.
        app.loader.import_default_modules()
        app.tasks[task_name].apply(args=args, kwargs=kwargs, throw=app.conf.task_eager_propagates)
        return
    try:
        app.send_task(task_name, args=args, kwargs=kwargs)
    except (OperationalError, OSError) as exc:
        logger.warning(
            "Could not queue %s (the broker is unreachable: %s); it runs when its sweep next finds it.",
            task_name,
            exc,
        )
