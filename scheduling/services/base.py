"""The dispatch services' constants (task names, batches, back-off, staleness) and logger."""

from __future__ import annotations

import datetime as dt
import logging

logger = logging.getLogger("scheduling.services")  # the name it had as one module

DELIVER_TASK = "scheduling.deliver"
DELIVERY_BATCH = 200  # delivery ids per queued task
DELIVERY_LOCK = dt.timedelta(minutes=5)  # a claimed delivery is someone's for this long
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
# A run still queued or running after this long was lost (broker down, worker killed): run it again.
RUN_STALE_AFTER = dt.timedelta(minutes=15)
RUN_MAX_ATTEMPTS = 3
# A sweep within this long of the fire time is "on schedule"; later it is a catch-up.
ON_TIME_SLACK = dt.timedelta(minutes=30)
