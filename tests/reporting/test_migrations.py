"""Moving the report models from `projects` to `reporting` keeps an existing database's rows and history.

A database that was at projects 0003 holds the reports in the projects_* tables and its audit rows
point at content types labelled "projects". Migrating forward must leave both readable through the
`reporting` models, and migrating back must restore the old labels.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.choices import OrgKind
from accounts.models import AuditLog
from reporting.models import MonthlyReport
from tests.factories import ProjectFactory, make_org

BEFORE = [("projects", "0003_revision_explanation"), ("reporting", None)]
MODELS = ("monthlyreport", "reportrevision", "reportphoto")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


# Real migrations need real transactions; the serialized rows (content types, roles) are restored after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reports_and_their_audit_history_survive_the_move_to_reporting():
    county = make_org("泽州县", OrgKind.COUNTY)
    project = ProjectFactory(county=county)
    try:
        executor = migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE[0]).apps
        with pytest.raises(LookupError):
            old_apps.get_model("reporting", "MonthlyReport")
        OldContentType = old_apps.get_model("contenttypes", "ContentType")
        OldAuditLog = old_apps.get_model("accounts", "AuditLog")
        OldReport = old_apps.get_model("projects", "MonthlyReport")
        # The old database's content types (the test database's ones were renamed back by
        # reporting 0002's reverse step; created if a flush left none).
        old_types = {
            model: OldContentType.objects.get_or_create(app_label="projects", model=model)[0]
            for model in MODELS
        }
        assert not OldContentType.objects.filter(app_label="reporting").exists()
        report = OldReport.objects.create(
            project_id=project.pk, year=2025, month=6, invested=Decimal("12.50")
        )
        log = OldAuditLog.objects.create(
            action="update",
            content_type=old_types["monthlyreport"],
            object_id=str(report.pk),
            object_repr="泽州县 2025年6月",
            root_key=f"projects.project:{project.pk}",
        )
        # A post_migrate that already created the new label must not split the history.
        stray = OldContentType.objects.create(app_label="reporting", model="reportphoto")
        stray_log = OldAuditLog.objects.create(
            action="create",
            content_type=stray,
            object_id="1",
            object_repr="照片",
            root_key=f"projects.project:{project.pk}",
        )

        migrate(latest())

        moved = MonthlyReport.objects.get(pk=report.pk)
        assert (moved.project_id, moved.year, moved.month, moved.invested) == (
            project.pk,
            2025,
            6,
            Decimal("12.50"),
        )
        report_type = ContentType.objects.get_for_model(MonthlyReport)
        assert report_type.app_label == "reporting"
        assert report_type.pk == old_types["monthlyreport"].pk  # same row: the history keeps pointing at it
        log = AuditLog.objects.select_related("content_type").get(pk=log.pk)
        assert log.content_type.app_label == "reporting"
        assert log.content_type.get_object_for_this_type(pk=log.object_id) == moved
        assert AuditLog.objects.get(pk=stray_log.pk).content_type_id == old_types["reportphoto"].pk
        assert not ContentType.objects.filter(app_label="projects", model__in=MODELS).exists()
        assert ContentType.objects.filter(app_label="reporting", model__in=MODELS).count() == 3

        migrate(BEFORE)
        assert ContentType.objects.get(pk=report_type.pk).app_label == "projects"
    finally:
        migrate(latest())
    assert ContentType.objects.get_for_model(MonthlyReport).app_label == "reporting"
