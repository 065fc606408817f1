"""Dashboard snapshots: the dashboard API's answer per (scope, year, month) kept in the database, so
a cold `/api/v1/dashboards/…` read is one row instead of the whole dashboard's computation.

- A snapshot is valid while `figures_cache.data_version()` still equals the version it was computed
  from (every approval moves it) and for `FIGURES_CACHE_SECONDS` (changes that move figures without
  an approval — plans, stage changes — show by then, as on the cached pages). A missing or stale one
  is computed in the request, by the same `compute_dashboard` the page shows, and stored.
- After an approval commits, `dashboards.refresh_snapshots` (queued by the approval with
  `config.tasks.enqueue_on_commit`) recomputes the stale snapshots of the years it touched, so the
  next reader finds them fresh. If that job is late or lost the request computes: never a stale figure.

Nothing is computed here: the figures come from reporting.measures through `compute_dashboard`; this
module stores and serves the API's rendering of them. A cache, not a record: no audit, no permission
(the API checks the reader's scope before asking).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from reporting import figures_cache

from .api.serializers import DashboardSerializer
from .models import DashboardSnapshot
from .selectors.dashboard import compute_dashboard
from .selectors.scopes import Scope, scope_from_key

FIELDS = ("data_version", "computed_at", "payload")
logger = logging.getLogger(__name__)


def payload(dash) -> dict:
    """The API's JSON of a dashboard as the client receives it (rendered and read back once, so a
    stored answer and a freshly computed one are the same document)."""
    return json.loads(JSONRenderer().render(DashboardSerializer(dash).data))


def _fresh(row: DashboardSnapshot, version: int, now: dt.datetime) -> bool:
    return row.data_version == version and row.computed_at > now - dt.timedelta(
        seconds=figures_cache.seconds()
    )


def _compute_and_store(scope: Scope, year: int, month: int, version: int) -> dict:
    data = payload(compute_dashboard(scope, year, month))
    DashboardSnapshot.objects.bulk_create(
        [
            DashboardSnapshot(
                scope=scope.key,
                year=year,
                month=month,
                data_version=version,
                computed_at=timezone.now(),
                payload=data,
            )
        ],
        update_conflicts=True,
        unique_fields=["scope", "year", "month"],
        update_fields=list(FIELDS),
    )
    return data


def dashboard_payload(scope: Scope, year: int, month: int) -> dict:
    """The API's answer for the scope's dashboard: the stored snapshot while it is valid, else
    computed now and stored. Two queries when the snapshot is valid."""
    version = figures_cache.data_version()  # before computing: see data_version
    row = DashboardSnapshot.objects.filter(scope=scope.key, year=year, month=month).only(*FIELDS).first()
    if row is not None and _fresh(row, version, timezone.now()):
        return row.payload
    return _compute_and_store(scope, year, month, version)


def refresh(years, *, limit: int | None = None) -> int:
    """Recompute the stale snapshots of `years` (the most recently computed first, at most `limit`,
    default `DASHBOARD_SNAPSHOT_REFRESH_LIMIT` or 8); those of areas or departments that no longer
    exist are dropped. Returns how many were recomputed. One that fails is logged and left stale:
    without Redis this runs inside the approving request, which must not fail for it."""
    limit = limit if limit is not None else int(getattr(settings, "DASHBOARD_SNAPSHOT_REFRESH_LIMIT", 8))
    version = figures_cache.data_version()
    stale = (
        DashboardSnapshot.objects.filter(year__in=[int(y) for y in years])
        .exclude(data_version=version)
        .order_by("-computed_at", "-pk")
        .values_list("pk", "scope", "year", "month")[:limit]
    )
    done = 0
    for pk, key, year, month in stale:
        scope = scope_from_key(key)
        if scope is None:
            DashboardSnapshot.objects.filter(pk=pk).delete()
            continue
        try:
            _compute_and_store(scope, year, month, version)
        except Exception:  # its next reader computes it; an approval never fails for it
            logger.exception("Could not refresh the dashboard snapshot %s %s-%s", key, year, month)
            continue
        done += 1
    return done
