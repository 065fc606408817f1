"""`manage.py bench_figures`: the city's figures for a month from `reporting.measures`, timed.

Builds the demo city (20,000 projects, two years of reports) unless it is there, then times, on the
approved basis: the city's figures, figures grouped by county (every area), by department (every city
department), by reporting unit subtree, and by project (the grid's set). Prints median, spread and
query count: figures, not pass/fail (target: the county + department grouping ≤ 150 ms on PostgreSQL,
query count independent of the number of projects).
"""

from __future__ import annotations

import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import AREA_KINDS, OrgKind
from accounts.models import Organisation
from projects import periods
from projects.models import Project
from reporting import measures
from reporting.measures import Basis


class Command(BaseCommand):
    help = "Time the figures layer (reporting.measures) over the demo city."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=15)

    def timed(self, label, fn, runs):
        fn()
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            fn()
        self.stdout.write(
            f"{label:<62} median {statistics.median(samples):7.1f} ms  "
            f"[{min(samples):.1f}–{max(samples):.1f}]  {len(ctx.captured_queries):2d} queries"
        )

    def handle(self, *args, projects, runs, **options):
        if Project.objects.count() < projects:
            self.stdout.write(f"building the demo city with {projects} projects …")
            call_command("seed_demo", projects=projects, force=True, verbosity=0)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("ANALYZE")
        year, month = periods.default_period()
        everything = Project.objects.all()
        areas = list(Organisation.objects.filter(kind__in=AREA_KINDS))
        departments = list(Organisation.objects.filter(kind=OrgKind.DEPARTMENT))
        ids = list(everything.values_list("pk", flat=True)[:500])
        self.stdout.write(
            f"{connection.vendor}: {everything.count()} projects, {year}年{month}月, "
            f"{len(areas)} areas, {len(departments)} departments"
        )
        kw = {"year": year, "month": month, "basis": Basis.APPROVED}
        self.timed("city figures", lambda: measures.figures(projects=everything, **kw), runs)
        self.timed("by county", lambda: measures.figures_by(projects=everything, by="county", **kw), runs)
        self.timed(
            "by department", lambda: measures.figures_by(projects=everything, by="department", **kw), runs
        )

        self.timed(
            "by county + by department in one pass (target ≤ 150 ms)",
            lambda: measures.figures_by_each(projects=everything, dims=("county", "department"), **kw),
            runs,
        )
        self.timed(
            "by reporting-unit subtree (all areas)",
            lambda: measures.figures_by_subtree(units=areas, projects=everything, **kw),
            runs,
        )
        self.timed(
            "500 projects one by one in two queries",
            lambda: measures.figures_by_project(project_ids=ids, **kw),
            runs,
        )
        self.timed(
            "city figures, working basis",
            lambda: measures.figures(projects=everything, year=year, month=month, basis=Basis.WORKING),
            runs,
        )
