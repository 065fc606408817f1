"""`manage.py bench_inclusion`: the statistics bureau's screening and exports over a large city, timed.

Builds the demo city (20,000 projects by default, with its 入库纳统 data) unless it is there, then
times, as the city bureau (`stats`): the screening selector, the screening page through the test
client, the API list, and the four exports, with the query count of each; and for the 20,000-row
screening export the wall time and the process's peak memory. Figures, not pass/fail (targets:
screening ≤ 1 s on PostgreSQL with a query count independent of the number of projects; a 20,000-row
export ≤ 10 s and ≤ 300 MB peak).
"""

from __future__ import annotations

import resource
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from inclusion.excel import build_export
from inclusion.selectors import screening, screening_list
from projects import periods
from projects.models import Project


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time the 入库纳统 screening and exports over the demo city."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument(
            "--export-only",
            action="store_true",
            help="only the 20,000-row export, so the peak memory printed is the export's own",
        )

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
            f"{label:<58} median {statistics.median(samples):8.1f} ms  "
            f"[{min(samples):.1f}–{max(samples):.1f}]  {len(ctx.captured_queries):2d} queries"
        )

    def handle(self, *args, projects, runs, export_only=False, **options):
        if Project.objects.count() < projects:
            self.stdout.write(f"building the demo city with {projects} projects …")
            call_command("seed_demo", projects=projects, force=True, verbosity=0)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        user = User.objects.get(username="stats")
        year, month = periods.default_period()
        if export_only:
            # Every live project screened (eligibility rules switched off inside a transaction that
            # is rolled back), so the export is the full 20,000-row list.
            from django.db import transaction

            from inclusion.models import InclusionRule

            with transaction.atomic():
                InclusionRule.objects.filter(kind__in=("min_investment", "started")).update(is_active=False)
                self.big_export(user, year, month)
                transaction.set_rollback(True)
            return
        s = screening(user=user, year=year, month=month)
        self.stdout.write(
            f"{connection.vendor}: {Project.objects.count()} projects, {year}年{month}月, "
            f"screened population {s.totals.population}, 应入未入 {s.list_counts['screening']}, "
            f"已入库 {s.totals.included}"
        )
        self.timed(
            "screening selector (city bureau)", lambda: screening(user=user, year=year, month=month), runs
        )
        client = Client()
        client.force_login(user)
        url = f"/inclusion/?year={year}&month={month}"
        self.timed("screening page, 50 rows (HTML)", lambda: client.get(url), runs)
        self.timed(
            "API list, 25 rows", lambda: client.get(f"/api/v1/inclusion/?year={year}&month={month}"), runs
        )
        # Filters the database answers (尚缺 a document, a search, a late page) and the one that
        # reads every live project (疑似重复).
        lacks = next(r.id for r in s.rules if r.kind == "evidence")
        for label, query in (
            ("screening page, 尚缺 filter, page 20", f"lacks={lacks}&ready=no&page=20"),
            ("screening page, search 项目 + 开工≥90天", "search=项目&min_days=90"),
            ("screening page, 疑似重复 filter", "duplicate=yes"),
        ):
            self.timed(label, lambda q=query: client.get(f"{url}&{q}"), runs)
        for kind in ("progress", "investment"):
            self.timed(
                f"export {kind}",
                lambda kind=kind: build_export(kind, user=user, year=year, month=month, filters={}),
                max(1, runs // 2),
            )
        self.big_export(user, year, month)
        self.stdout.write("(run again with --export-only for the export's peak memory in a fresh process)")

    def big_export(self, user, year, month):
        """The big one: every screened project (list=all), as the background job builds it."""
        before = peak_mb()
        t0, cpu0 = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as ctx:
            name, data = build_export(
                "screening", user=user, year=year, month=month, filters={"list": "all", "ordering": "county"}
            )
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        rows = screening_list(user=user, filters={"list": "all"}).count()
        self.stdout.write(
            f"export screening, list=all: {rows} rows, {len(data) / 1024 / 1024:.1f} MB file, {elapsed:.2f} s "
            f"({cpu:.2f} s of this process's CPU), "
            f"{len(ctx.captured_queries)} queries, process peak RSS {peak_mb():.0f} MB (before {before:.0f} MB)"
        )
