"""An existing database gains dated stage history and revision validity without losing a month.

projects 0005 dates every history row (the project's own date for a dated stage, else the day it
was recorded), adds the 在建 row a project entered directly as 竣工 never had, and links each row to
the next; reporting 0003 copies each revision's project and month and marks a corrected revision
superseded when its successor was approved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.choices import OrgKind
from projects.history import owes_report_q
from projects.models import Project, StageChange
from reporting.models import ReportRevision
from tests.factories import ProjectFactory, make_org

BEFORE = [("projects", "0004_move_reports_to_reporting"), ("reporting", "0002_move_content_types")]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_history_and_revisions_of_an_existing_database_are_dated_and_linked():
    county = make_org("泽州县", OrgKind.COUNTY)
    entered_completed = ProjectFactory(
        county=county,
        stage="completed",
        actual_start=dt.date(2025, 3, 15),
        actual_completion=dt.date(2025, 9, 30),
        history=False,
    )
    suspended = ProjectFactory(
        county=county, stage="suspended", actual_start=dt.date(2025, 1, 10), history=False
    )
    try:
        executor = migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        OldChange = old.get_model("projects", "StageChange")
        OldReport = old.get_model("reporting", "MonthlyReport")
        OldRevision = old.get_model("reporting", "ReportRevision")
        # Entered directly as 竣工 (one undated row), and a start later suspended (two undated rows).
        OldChange.objects.create(
            project_id=entered_completed.pk, from_stage="", to_stage="completed", at=at(2025, 11, 1, 9)
        )
        OldChange.objects.create(
            project_id=suspended.pk, from_stage="", to_stage="construction", at=at(2025, 2, 1, 9)
        )
        OldChange.objects.create(
            project_id=suspended.pk,
            from_stage="construction",
            to_stage="suspended",
            at=at(2025, 6, 5, 23, 30),
        )
        report = OldReport.objects.create(
            project_id=suspended.pk, year=2025, month=4, invested=Decimal("90.00")
        )
        first = OldRevision.objects.create(
            report=report, revision=0, invested=Decimal("80.00"), approved_at=at(2025, 5, 3)
        )
        second = OldRevision.objects.create(
            report=report, revision=1, invested=Decimal("90.00"), approved_at=at(2025, 6, 1)
        )

        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        rows = list(StageChange.objects.filter(project=entered_completed).order_by("at"))
        assert [(r.to_stage, r.effective_date, r.ended_on, r.reason) for r in rows] == [
            ("construction", dt.date(2025, 3, 15), dt.date(2025, 9, 30), "按实际开工日期补记"),
            ("completed", dt.date(2025, 9, 30), None, ""),
        ]
        rows = list(StageChange.objects.filter(project=suspended).order_by("at"))
        # The suspension recorded at 23:30 on 5 June (Shanghai) takes effect that day.
        assert [(r.to_stage, r.effective_date, r.ended_on) for r in rows] == [
            ("construction", dt.date(2025, 1, 10), dt.date(2025, 6, 5)),
            ("suspended", dt.date(2025, 6, 5), None),
        ]

        def owes(project, year, month):
            return Project.objects.filter(owes_report_q(year, month), pk=project.pk).exists()

        assert [m for m in range(1, 13) if owes(entered_completed, 2025, m)] == [3, 4, 5, 6, 7, 8, 9]
        assert [m for m in range(1, 13) if owes(suspended, 2025, m)] == [1, 2, 3, 4, 5, 6]

        revisions = {r.pk: r for r in ReportRevision.objects.filter(report_id=report.pk)}
        assert {(r.project_id, r.year, r.month) for r in revisions.values()} == {(suspended.pk, 2025, 4)}
        assert revisions[first.pk].superseded_at == at(2025, 6, 1)
        assert revisions[second.pk].superseded_at is None
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
