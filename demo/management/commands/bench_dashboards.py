"""`manage.py bench_dashboards`: the leaders' dashboards over the demo city, timed (issue 12).

Builds the demo city (20,000 projects, two years of reports) unless it is there, then times through
the test client as `leader` (and `zezhou`): the city dashboard cold (cache cleared) and cached, a
county dashboard cold, the bimonthly ranking cold, October's bulletin, and `/api/v1/dashboards/city/`
cold. Prints median, spread and query count: figures, not pass/fail. Targets: city ≤ 300 ms cold and
≤ 30 ms cached; county ≤ 150 ms cold; ranking ≤ 500 ms cold; bulletin ≤ 1 s; city API ≤ 100 ms cold.
"""

from __future__ import annotations

import statistics
import time

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation, User
from dashboards.models import Bulletin
from dashboards.selectors.ranking import compute_ranking
from projects import periods
from projects.models import Project
from reporting.measures import counted_values


class Command(BaseCommand):
    help = "Time the dashboards, the ranking and the bulletin over the demo city."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=9)

    def timed(self, label, fn, runs, *, cold: bool):
        def once():
            if cold:
                cache.clear()
            t0 = time.perf_counter()
            fn()
            return (time.perf_counter() - t0) * 1000

        once()
        samples = [once() for _ in range(runs)]
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        self.stdout.write(
            f"{label:<58} median {statistics.median(samples):7.1f} ms  "
            f"[{min(samples):.1f}–{max(samples):.1f}]  {len(ctx.captured_queries):3d} queries"
        )

    def handle(self, *args, projects, runs, **options):
        if Project.objects.count() < projects:
            self.stdout.write(f"building the demo city with {projects} projects …")
            call_command("seed_demo", projects=projects, force=True, verbosity=0)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        year, month = periods.default_period()
        if month % 2:
            bimonth = month - 1
        else:
            bimonth = month
        leader, zezhou = Client(), Client()
        leader.force_login(User.objects.get(username="leader"))
        zezhou.force_login(User.objects.get(username="zezhou"))
        area = Organisation.objects.get(division_code="140525")
        bulletin = Bulletin.objects.filter(year=year, month=month, area__isnull=True).first()
        self.stdout.write(
            f"{connection.vendor}, cache {cache.__class__.__name__}: {Project.objects.count()} projects, {year}年{month}月"
        )
        period = {"year": year, "month": month}

        def get(client, url, data=None):
            response = client.get(url, data or period)
            assert response.status_code == 200, (url, response.status_code)
            return response

        # The floor in this run (PERFORMANCE.md: compare with a floor measured in the same run): one
        # scan of the year's approved values, summed by month — a cold dashboard reads them four times.
        self.timed(
            "floor: one scan of the year's approved values",
            lambda: list(
                counted_values()
                .filter(year=year, month__lte=month)
                .values("month")
                .annotate(t=Sum("invested"))
            ),
            runs,
            cold=False,
        )
        self.timed(
            "city dashboard page, cold (target ≤ 300 ms)",
            lambda: get(leader, "/dashboards/city/"),
            runs,
            cold=True,
        )
        self.timed(
            "city dashboard page, cached (target ≤ 30 ms)",
            lambda: get(leader, "/dashboards/city/"),
            runs,
            cold=False,
        )
        self.timed(
            "泽州县 dashboard page, cold (target ≤ 150 ms)",
            lambda: get(zezhou, f"/dashboards/areas/{area.pk}/"),
            runs,
            cold=True,
        )
        self.timed(
            f"bimonthly ranking {bimonth}月, cold, computed (target ≤ 500 ms)",
            lambda: compute_ranking(year=year, month=bimonth, period="bimonthly", audience="areas"),
            runs,
            cold=True,
        )
        self.timed(
            "ranking page (bimonthly preview + previous period), cold",
            lambda: get(leader, "/ranking/", {**period, "month": bimonth, "period": "bimonthly"}),
            runs,
            cold=True,
        )
        if bulletin is not None:
            Bulletin.objects.filter(pk=bulletin.pk).update(status="draft")  # live figures, the slow case
            try:
                self.timed(
                    "bulletin (draft: live figures), cold (target ≤ 1 s)",
                    lambda: get(leader, f"/bulletins/{bulletin.pk}/"),
                    runs,
                    cold=True,
                )
                self.timed(
                    "bulletin as Word, cold",
                    lambda: get(leader, f"/bulletins/{bulletin.pk}/docx/"),
                    runs,
                    cold=True,
                )
            finally:
                Bulletin.objects.filter(pk=bulletin.pk).update(status="published")
        self.timed(
            "/api/v1/dashboards/city/, cold (target ≤ 100 ms)",
            lambda: get(leader, "/api/v1/dashboards/city/"),
            runs,
            cold=True,
        )
        self.timed(
            "/api/v1/dashboards/city/, cached",
            lambda: get(leader, "/api/v1/dashboards/city/"),
            runs,
            cold=False,
        )
