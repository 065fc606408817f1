"""`python manage.py bench`: the performance targets of the issues, measured in process.

Builds what it needs on the current database (use a dedicated PostgreSQL database, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/xmgj_bench), warms up, then times each page several
times with Django's test client and prints median, spread and query count. Server time here is the
whole request through middleware, view and template, without network.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import OrgKind
from accounts.models import Organisation, User
from projects.choices import Stage
from projects.models import AnnualPlan, Project
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport


class Command(BaseCommand):
    help = "Measure page and job times against the issues' targets (prints figures)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--projects", type=int, default=20000, help="size of the demo city (default 20000)"
        )
        parser.add_argument("--runs", type=int, default=15, help="timed runs per page")
        parser.add_argument(
            "--skip-jobs", action="store_true", help="only pages (no import / bulk save jobs)"
        )

    def handle(self, *args, projects, runs, skip_jobs, **options):
        self.runs = runs
        self.stdout.write(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
        have = Project.objects.count()
        if have < projects:
            self.stdout.write(f"building demo data: {projects} projects (have {have}) …")
            t0 = time.perf_counter()
            call_command("seed_demo", projects=projects, force=True, verbosity=0)
            self.stdout.write(f"  seed_demo took {time.perf_counter() - t0:.1f} s")
        if connection.vendor == "postgresql":
            # As autovacuum would after a bulk load: fresh statistics and visibility map.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"projects: {Project.objects.count():,}   reports: {MonthlyReport.objects.count():,}\n"
        )
        self.floor()
        self.pages()
        if not skip_jobs:
            self.stdout.write("\n-- jobs --")
            call_command("bench_import", rows=5000, stdout=self.stdout)
            call_command("bench_reports", stdout=self.stdout)

    # -- helpers -------------------------------------------------------------------------------------------
    def timed(self, label, client, url, target_ms=None, warm=3):
        for _ in range(warm):
            response = client.get(url)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
        samples, queries = [], 0
        for _ in range(self.runs):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - t0) * 1000)
            queries = len(ctx.captured_queries)
        med = statistics.median(samples)
        spread = f"{min(samples):.1f}–{max(samples):.1f}"
        verdict = (
            "" if target_ms is None else ("  OK" if med <= target_ms else f"  OVER target {target_ms} ms")
        )
        target = "" if target_ms is None else f" (target ≤ {target_ms} ms)"
        self.stdout.write(
            f"{label:<58} median {med:7.1f} ms  [{spread}]  {queries:3d} queries{target}{verdict}"
        )
        return med, queries

    def floor(self):
        """The machine's floor in this run (PERFORMANCE.md): a filtered 25-row page + count + two sums."""
        from django.db.models import Count, Sum

        samples = []
        for _ in range(self.runs):
            t0 = time.perf_counter()
            qs = Project.objects.filter(stage=Stage.CONSTRUCTION)
            list(qs.select_related("county", "department")[:25])
            qs.aggregate(n=Count("pk"), s=Sum("total_investment"))
            samples.append((time.perf_counter() - t0) * 1000)
        self.stdout.write(
            f"{'floor: 25 rows + count + sum (ORM, no template)':<58} median "
            f"{statistics.median(samples):7.1f} ms"
        )

    def client_for(self, username):
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    def pages(self):
        office = self.client_for("office")
        zezhou = self.client_for("zezhou")
        project_list = reverse("projects:project_list")
        zz = Organisation.objects.get(name="泽州县")
        self.stdout.write(
            "-- foundation: project list / dossier / API (targets: list ≤ 100 ms, dossier ≤ 80, API ≤ 80) --"
        )
        self.timed("list, office, no filter", office, project_list, 100)
        self.timed(
            "list, office, county + stage", office, f"{project_list}?county={zz.pk}&stage=construction", 100
        )
        self.timed("list, office, search 智能 (2 chars)", office, f"{project_list}?search=智能", 100)
        self.timed("list, office, search 新材料 (trigram)", office, f"{project_list}?search=新材料", 100)
        self.timed(
            "list, office, key level + flag + year",
            office,
            f"{project_list}?key_level=any&flag=is_industrial&year=2026",
            100,
        )
        self.timed(
            "list, zezhou (scoped), sort by investment",
            zezhou,
            f"{project_list}?ordering=-total_investment",
            100,
        )
        _, q25 = self.timed("list, office, page_size=25", office, f"{project_list}?page_size=25", 100)
        _, q200 = self.timed("list, office, page_size=200", office, f"{project_list}?page_size=200")
        self.stdout.write(
            f"  queries with page_size 25 vs 200: {q25} vs {q200} ({'constant' if q25 == q200 else 'GROWS'})"
        )
        busy = (
            Project.objects.filter(stage=Stage.CONSTRUCTION)
            .order_by("-total_investment")
            .values_list("pk", flat=True)[0]
        )
        self.timed("dossier (一项一档), office", office, reverse("projects:project_detail", args=[busy]), 80)
        self.timed("API /api/v1/projects/?page_size=100", office, "/api/v1/projects/?page_size=100", 80)
        self.timed(
            "API /api/v1/projects/?page_size=100&county&search",
            office,
            f"/api/v1/projects/?page_size=100&county={zz.pk}&search=项目",
            80,
        )

        self.stdout.write(
            "-- monthly progress: grid (500 projects ≤ 250 ms), dossier with 60 months (≤ 100 ms) --"
        )
        unit, year, month = self.bench_unit()
        grid = reverse("reporting:report_grid")
        bench_user = self.client_for("bench_reporter")
        _, q = self.timed(
            "grid, unit with 500 projects",
            bench_user,
            f"{grid}?unit={unit.pk}&year={year}&month={month}",
            250,
        )
        project = self.project_with_60_months()
        self.timed(
            "dossier with 60 months of reports",
            office,
            reverse("projects:project_detail", args=[project.pk]),
            100,
        )

    @transaction.atomic
    def bench_unit(self):
        """A reporting unit with exactly 500 projects under construction (created once)."""
        from accounts.models import Role

        city = Organisation.objects.filter(kind=OrgKind.CITY).first()
        unit, created = Organisation.objects.get_or_create(
            name="基准测试单位", parent=city, defaults={"kind": OrgKind.DEPARTMENT}
        )
        if created or unit.path == "/":
            unit.path = f"{city.path}{unit.pk}/"
            unit.save(update_fields=["path"])
        if Project.objects.filter(reporting_unit=unit).count() < 500:
            ids = list(
                Project.objects.filter(stage=Stage.CONSTRUCTION, actual_start__lte=dt.date(2026, 1, 1))
                .exclude(reporting_unit=unit)
                .values_list("pk", flat=True)[:500]
            )
            Project.objects.filter(pk__in=ids).update(reporting_unit=unit)
        user, _ = User.objects.get_or_create(username="bench_reporter", defaults={"organisation": unit})
        user.organisation = unit
        user.save()
        user.roles.set(Role.objects.filter(code__in=["reporter"]))
        return unit, 2026, 10

    @transaction.atomic
    def project_with_60_months(self):
        project = Project.objects.filter(name="基准测试：60个月进展的项目").first()
        if project:
            return project
        template = Project.objects.filter(stage=Stage.CONSTRUCTION).first()
        project = Project.objects.create(
            name="基准测试：60个月进展的项目",
            construction_unit="基准测试建设有限公司",
            county=template.county,
            reporting_unit=template.county,
            department=template.department,
            stage=Stage.CONSTRUCTION,
            total_investment=Decimal("600000.00"),
            fund_self_raised=Decimal("600000.00"),
            actual_start=dt.date(2021, 11, 1),
            planned_start=dt.date(2021, 11, 1),
        )
        reports, plans = [], []
        for i in range(60):
            y, m = divmod(2021 * 12 + 10 + i, 12)
            reports.append(
                MonthlyReport(
                    project=project,
                    year=y,
                    month=m + 1,
                    invested=Decimal("900.00") + i,
                    image_progress=f"第{i + 1}个月形象进度",
                    status=ReportStatus.APPROVED,
                    revision=1,
                )
            )
        for y in range(2021, 2027):
            plans.append(AnnualPlan(project=project, year=y, planned_investment=Decimal("12000.00")))
        MonthlyReport.objects.bulk_create(reports)
        AnnualPlan.objects.bulk_create(plans)
        return project
