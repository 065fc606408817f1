"""The dashboard API's stored snapshots: a cold read is one row, the same document as a computed
one; an approval makes every stored answer stale at once (the request computes, exact), and the job
it queues after its commit recomputes them; old or orphaned snapshots do not survive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from dashboards import snapshots
from dashboards.models import DashboardSnapshot
from dashboards.selectors.dashboard import compute_dashboard
from dashboards.selectors.scopes import CITY, Scope
from reporting import figures_cache

from .conftest import approve

pytestmark = pytest.mark.django_db
OCT = {"year": 2025, "month": 10}
CITY_API = "/api/v1/dashboards/city/"


def test_a_cold_read_serves_the_stored_snapshot_in_one_row(october, client_for, django_assert_num_queries):
    leader = client_for("leader")
    first = leader.get(CITY_API, OCT).json()
    row = DashboardSnapshot.objects.get(scope="city-0", year=2025, month=10)
    assert row.payload == first and row.data_version == figures_cache.data_version()
    cache.clear()  # cold: nothing in the cache, only the database
    # session, user (with its roles in the same query on PostgreSQL); the data version; the
    # snapshot — nothing of the dashboard is computed
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        again = leader.get(CITY_API, OCT).json()
    assert again == first
    assert again["figures"]["ytd_completed"] == "2100.00"


def test_the_snapshot_is_the_computed_dashboard(october):
    stored = snapshots.dashboard_payload(CITY, 2025, 10)
    assert stored == snapshots.payload(compute_dashboard(CITY, 2025, 10))
    assert stored["by_area"][0]["figures"]["ytd_completed"] == "900.00"  # 泽州县 600 + 300


def test_an_approval_makes_the_api_exact_at_once_even_before_the_job_runs(october, client_for):
    leader = client_for("leader")
    assert leader.get(CITY_API, OCT).json()["figures"]["ytd_completed"] == "2100.00"
    approve(october, october.zz_new, 2025, 10, "460")  # its after-commit job never runs here
    cache.clear()  # even with the cache gone, the stored snapshot is not served: its version moved
    after = leader.get(CITY_API, OCT).json()
    assert after["figures"]["ytd_completed"] == "2560.00"
    row = DashboardSnapshot.objects.get(scope="city-0", year=2025, month=10)
    assert row.data_version == figures_cache.data_version() and row.payload == after


def test_the_job_an_approval_queues_recomputes_the_stale_snapshots(
    october, client_for, celery_eager, django_capture_on_commit_callbacks
):
    leader = client_for("leader")
    leader.get(CITY_API, OCT)
    leader.get(f"/api/v1/dashboards/areas/{october.zezhou.pk}/", OCT)
    leader.get(CITY_API, {"year": 2024, "month": 10})  # untouched by a 2025 approval
    snapshots.dashboard_payload(CITY, 2026, 1)  # next year's 同比 reads this year's values
    untouched = DashboardSnapshot.objects.get(year=2024)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approve(october, october.zz_new, 2025, 10, "460")
    assert callbacks
    version = figures_cache.data_version()
    fresh = {(s.scope, s.year): s for s in DashboardSnapshot.objects.filter(data_version=version)}
    assert set(fresh) == {("city-0", 2025), (f"area-{october.zezhou.pk}", 2025), ("city-0", 2026)}
    assert fresh[("city-0", 2025)].payload["figures"]["ytd_completed"] == "2560.00"
    assert fresh[(f"area-{october.zezhou.pk}", 2025)].payload["figures"]["ytd_completed"] == "1360.00"
    untouched.refresh_from_db()
    assert untouched.data_version < version  # not recomputed: a reader will, if one comes
    # The job computed what a reader would: no request recomputes it.
    cache.clear()
    assert leader.get(CITY_API, OCT).json() == fresh[("city-0", 2025)].payload


def test_a_snapshot_older_than_the_cache_lifetime_is_recomputed(october, client_for, settings):
    settings.FIGURES_CACHE_SECONDS = 600
    leader = client_for("leader")
    leader.get(CITY_API, OCT)
    DashboardSnapshot.objects.update(
        computed_at=timezone.now() - dt.timedelta(seconds=601),
        payload={"stale": True},
    )
    cache.clear()
    assert "stale" not in leader.get(CITY_API, OCT).json()


def test_refresh_drops_snapshots_of_scopes_that_are_gone_and_keeps_fresh_ones(october):
    snapshots.dashboard_payload(CITY, 2025, 10)
    DashboardSnapshot.objects.create(scope="area-999999", year=2025, month=10, data_version=0, payload={})
    DashboardSnapshot.objects.create(scope="nonsense", year=2025, month=10, data_version=0, payload={})
    computed_at = DashboardSnapshot.objects.get(scope="city-0").computed_at
    assert snapshots.refresh([2025]) == 0
    assert list(DashboardSnapshot.objects.values_list("scope", flat=True)) == ["city-0"]
    assert DashboardSnapshot.objects.get(scope="city-0").computed_at == computed_at  # fresh: untouched


def test_refresh_recomputes_at_most_its_limit_newest_first(october):
    for month in (8, 9, 10):
        snapshots.dashboard_payload(CITY, 2025, month)
    DashboardSnapshot.objects.update(data_version=0)
    assert snapshots.refresh([2025], limit=2) == 2
    version = figures_cache.data_version()
    assert set(DashboardSnapshot.objects.filter(data_version=version).values_list("month", flat=True)) == {
        9,
        10,
    }


def test_each_scope_has_its_own_snapshot_and_a_county_reads_its_own(october, client_for):
    zezhou = client_for("zezhou")
    own = zezhou.get(f"/api/v1/dashboards/areas/{october.zezhou.pk}/", OCT).json()
    assert own["scope_name"] == "泽州县" and own["figures"]["ytd_completed"] == "900.00"
    assert zezhou.get(f"/api/v1/dashboards/areas/{october.gaoping.pk}/", OCT).status_code == 404
    assert zezhou.get(CITY_API, OCT).status_code == 403
    assert list(DashboardSnapshot.objects.values_list("scope", flat=True)) == [f"area-{october.zezhou.pk}"]
    dept = Scope("department", october.jtj)
    assert snapshots.dashboard_payload(dept, 2025, 10)["scope_name"] == "市交通局"


def test_a_snapshot_that_fails_to_refresh_is_left_for_its_reader(october, client_for, monkeypatch, caplog):
    leader = client_for("leader")
    leader.get(CITY_API, OCT)
    DashboardSnapshot.objects.update(data_version=0)

    def broken(*args):
        raise RuntimeError("database went away")

    monkeypatch.setattr(snapshots, "compute_dashboard", broken)
    assert snapshots.refresh([2025]) == 0  # logged, not raised: the approval that queued it stands
    assert "Could not refresh the dashboard snapshot city-0" in caplog.text
    monkeypatch.undo()
    cache.clear()
    assert leader.get(CITY_API, OCT).json()["figures"]["ytd_completed"] == "2100.00"
    assert DashboardSnapshot.objects.get().data_version == figures_cache.data_version()
