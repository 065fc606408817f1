"""Every write of the dispatch machinery: notify(), deliveries, the sweep and runs, the user's inbox,
schedules and the working-day calendar.

Exactly once: a notification is claimed by the unique (recipient, kind, key), a delivery by its
unique target and a conditional UPDATE before it is sent, a schedule's occurrence by the unique
(schedule, key) of its run. Running anything here twice, or concurrently, sends nothing twice.

The services are a package (STYLE: past ~500 lines): `base`, `messages`, `notify`, `deliveries`,
`sweep`, `schedules`, `workdays`, `inbox`; every name is exported here.
"""

from .base import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    DELIVER_TASK,
    DELIVERY_BATCH,
    DELIVERY_LOCK,
    ON_TIME_SLACK,
    RUN_MAX_ATTEMPTS,
    RUN_STALE_AFTER,
    logger,
)
from .deliveries import (
    backoff,
    deliver,
    redeliver_pending,
)
from .inbox import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_update,
)
from .messages import (
    render_message,
)
from .notify import (
    notify,
)
from .schedules import (
    SCHEDULE_FIELDS,
    schedule_update,
)
from .sweep import (
    SweepResult,
    run_failed,
    run_finished,
    run_started,
    schedule_run_now,
    sweep,
)
from .workdays import (
    workday_delete,
    workday_save,
    workdays_import_year,
)

__all__ = [
    "logger",
    "DELIVER_TASK",
    "DELIVERY_BATCH",
    "DELIVERY_LOCK",
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "RUN_STALE_AFTER",
    "RUN_MAX_ATTEMPTS",
    "ON_TIME_SLACK",
    "render_message",
    "notify",
    "backoff",
    "deliver",
    "redeliver_pending",
    "SweepResult",
    "sweep",
    "run_started",
    "run_finished",
    "run_failed",
    "schedule_run_now",
    "SCHEDULE_FIELDS",
    "schedule_update",
    "workday_save",
    "workday_delete",
    "workdays_import_year",
    "notification_mark_read",
    "notifications_mark_all_read",
    "preference_update",
]
