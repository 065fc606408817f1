"""Time the monthly-progress services on the current database: a unit's 500-row month.

    DATABASE_URL=postgres://… python manage.py bench_reports [--rows 500] [--repeat 5]

Builds a throw-away unit with `--rows` 在建 projects (inside a transaction rolled back at the end,
so the database is left as it was), then for each of `--repeat` months times: saving every row
as a new draft, saving every row again with a changed amount (the upsert), submitting the unit's
month, and approving every report. Prints median, spread and query count of each step.
Target (issue 3): saving or submitting all 500 rows ≤ 2 s on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import OrgKind, RoleCode
from accounts.models import Organisation, Role, User
from projects.choices import Stage
from projects.models import AnnualPlan, Project
from reporting.models import MonthlyReport
from reporting.services import ReportRow, reports_approve, reports_save, reports_submit


class _Rollback(Exception):
    pass


def _org(name, kind, parent=None) -> Organisation:
    org = Organisation.objects.create(name=name, kind=kind, parent=parent)
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.save(update_fields=["path"])
    return org


def _user(username, org, role) -> User:
    user = User.objects.create_user(username=username, password=None, organisation=org)
    user.roles.set(Role.objects.filter(code=role))
    return user


class Command(BaseCommand):
    help = "Time saving, submitting and approving a unit's month of monthly reports (default 500 rows)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=500)
        parser.add_argument("--repeat", type=int, default=5, help="months timed (1–12)")

    def handle(self, *args, rows: int, repeat: int, **options):
        if not 1 <= repeat <= 12:
            raise CommandError("--repeat must be between 1 and 12")
        self.stdout.write(f"database: {connection.vendor}; {rows} rows × {repeat} months")
        timings: dict[str, list[tuple[float, int]]] = {}
        try:
            with transaction.atomic():
                self._run(rows, repeat, timings)
                raise _Rollback
        except _Rollback:
            pass
        self.stdout.write(f"{'step':<24}{'median ms':>12}{'min ms':>10}{'max ms':>10}{'queries':>10}")
        for step, samples in timings.items():
            ms = [s[0] * 1000 for s in samples]
            queries = sorted({s[1] for s in samples})
            self.stdout.write(
                f"{step:<24}{statistics.median(ms):>12.1f}{min(ms):>10.1f}{max(ms):>10.1f}"
                f"{'/'.join(map(str, queries)):>10}"
            )
        self.stdout.write("(everything built for the benchmark was rolled back)")

    def _run(self, rows: int, repeat: int, timings):
        stamp = timezone.now().strftime("%H%M%S%f")
        city = _org(f"基准测试市{stamp}", OrgKind.CITY)
        county = _org(f"基准测试县{stamp}", OrgKind.COUNTY, city)
        reporter = _user(f"bench_reporter_{stamp}", county, RoleCode.REPORTER)
        reviewer = _user(f"bench_reviewer_{stamp}", county, RoleCode.REVIEWER)
        year = timezone.localdate().year - 1
        projects = Project.objects.bulk_create(
            [
                Project(
                    name=f"基准测试项目{i:04d}",
                    construction_unit="基准测试建设有限公司",
                    county=county,
                    reporting_unit=county,
                    total_investment=Decimal("100000.00"),
                    fund_self_raised=Decimal("100000.00"),
                    stage=Stage.CONSTRUCTION,
                    actual_start=dt.date(year - 1, 1, 1),
                )
                for i in range(rows)
            ]
        )
        AnnualPlan.objects.bulk_create(
            [AnnualPlan(project=p, year=year, planned_investment=Decimal("12000.00")) for p in projects]
        )
        for user in (reporter, reviewer):
            user.role_codes  # noqa: B018  (loaded once per request in real life)

        def timed(step, fn):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                result = fn()
                elapsed = time.perf_counter() - start
            timings.setdefault(step, []).append((elapsed, len(ctx.captured_queries)))
            return result

        for month in range(1, repeat + 1):
            self._month(timed, reporter, reviewer, county, projects, year, month)

    @staticmethod
    def _month(timed, reporter, reviewer, county, projects, year: int, month: int):
        rows = len(projects)
        first = [
            ReportRow(project_id=p.pk, invested=Decimal(100 + i % 50), image_progress=f"第{month}月主体施工")
            for i, p in enumerate(projects)
        ]
        # The floor, measured in the same run: a bare INSERT of the same rows (a year earlier),
        # no validation, no locking, no audit.
        bare = [
            MonthlyReport(
                project_id=r.project_id,
                year=year - 1,
                month=month,
                invested=r.invested,
                image_progress=r.image_progress,
            )
            for r in first
        ]
        timed("floor: bare bulk INSERT", lambda: MonthlyReport.objects.bulk_create(bare))
        saved = timed(
            "save (new drafts)", lambda: reports_save(actor=reporter, year=year, month=month, rows=first)
        )
        versions = {r.project_id: r.version for r in saved}
        changed = [
            ReportRow(
                project_id=r.project_id,
                invested=r.invested + 1,
                image_progress=r.image_progress,
                version=versions[r.project_id],
            )
            for r in first
        ]
        timed(
            "save (changed rows)", lambda: reports_save(actor=reporter, year=year, month=month, rows=changed)
        )
        again = [ReportRow(**{**r.__dict__, "version": r.version + 1}) for r in changed]
        timed("save (unchanged)", lambda: reports_save(actor=reporter, year=year, month=month, rows=again))
        submitted = timed(
            "submit unit month", lambda: reports_submit(actor=reporter, year=year, month=month, unit=county)
        )
        if submitted != rows:
            raise CommandError(f"submitted {submitted} of {rows}")
        ids = list(
            MonthlyReport.objects.filter(
                project__in=projects, year=year, month=month, status="submitted"
            ).values_list("pk", flat=True)
        )
        approved = timed("approve all", lambda: reports_approve(actor=reviewer, report_ids=ids))
        if approved != rows:
            raise CommandError(f"approved {approved} of {rows}")
