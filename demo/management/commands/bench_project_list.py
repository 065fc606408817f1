"""The project list for the office at 20,000 projects (issue 14): median ≤ 40 ms on PostgreSQL,
with no filter and with a county filter.

    DATABASE_URL=postgres://…/xmgj_bench python manage.py bench_project_list [--projects 20000] [--runs 30]

Builds the demo city at `--projects` when the database holds fewer (seed_demo --force: it replaces the
projects), analyses it, warms up, then times each page through Django's test client in this process
(middleware, view, template; no network) and the count/总投资/年度计划 query on its own.
"""

from __future__ import annotations

import io
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, User
from projects.filters import current_year
from projects.models import Project
from projects.selectors import project_list
from projects.selectors.projects import project_totals

TARGET_MS = 40


class Command(BaseCommand):
    help = "Time the office's project list at 20,000 projects (prints medians against 40 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, projects, runs, **options):
        if connection.vendor != "postgresql":
            raise CommandError("measure on PostgreSQL: set DATABASE_URL=postgres://…")
        have = Project.objects.count()
        if have < projects:
            self.stdout.write(f"building the demo city with {projects:,} projects (have {have:,}) …")
            call_command("seed_demo", projects=projects, force=True, verbosity=0, stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"projects: {Project.objects.count():,}")
        office = User.objects.get(username="office")
        client = Client()
        client.force_login(office)
        url = reverse("projects:project_list")
        county = Organisation.objects.get(name="泽州县")
        for label, query in [("office, no filter", ""), ("office, county 泽州县", f"?county={county.pk}")]:
            self.timed(label, lambda q=query: client.get(url + q, secure=True), runs)
        year = current_year()
        for label, filters in [
            ("totals query, no filter", {}),
            ("totals query, county", {"county": county.pk}),
        ]:
            _, qs = project_list(user=office, filters=filters)
            self.timed(label, lambda qs=qs: project_totals(qs, year), runs, target=None)

    def timed(self, label, fn, runs, target=TARGET_MS):
        for _ in range(3):
            fn()
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            fn()
        median = statistics.median(samples)
        verdict = "" if target is None else ("  OK" if median <= target else f"  OVER {target} ms")
        self.stdout.write(
            f"{label:<28} median {median:6.1f} ms  [{min(samples):.1f}–{max(samples):.1f}]  "
            f"{len(ctx.captured_queries)} queries{verdict}"
        )
