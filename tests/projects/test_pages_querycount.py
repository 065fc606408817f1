"""The list and the dossier run a fixed number of queries, however many rows and related records they show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction
from projects.choices import ApprovalStatus, Stage
from projects.models import Approval, ApprovalKind, Leader, Project, StageChange
from projects.services import project_update
from tests.factories import AnnualPlanFactory, ProjectFactory
from tests.projects.test_views import project_names_on_page, total_on_page

pytestmark = pytest.mark.django_db

# session, user, roles, organisation, (county/town choice scoping: 2), totals: 2, rows: 1, filter choices: 3 …
LIST_MAX_QUERIES = 14
# +6 for the 入库纳统 card (record, rules, directory, evidence, open requests and their kinds), +1 for
# the tickets card (issues).
DOSSIER_MAX_QUERIES = 23


def make_projects(world, n):
    leader = Leader.objects.get_or_create(name="王建国", organisation=world.zezhou)[0]
    for i in range(n):
        project = ProjectFactory(
            name=f"泽州查询计数项目{i:03d}",
            county=world.zezhou,
            town=world.bagong,
            department=world.gxj,
            liaison_leader=leader,
        )
        AnnualPlanFactory(
            project=project, year=timezone.localdate().year, planned_investment=Decimal("100.00")
        )


def list_queries(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/projects/", {"page_size": 200, **params})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("persona", ["zezhou", "office"])
def test_list_query_count_does_not_grow_with_the_rows_shown(client_for, world, persona):
    client = client_for(persona)
    make_projects(world, 5)
    few, html = list_queries(client)
    assert len(project_names_on_page(html)) >= 5
    make_projects(world, 35)
    many, html = list_queries(client)
    assert total_on_page(html, "count") == ("42" if persona == "zezhou" else "43")
    assert len(project_names_on_page(html)) == int(total_on_page(html, "count"))
    assert many == few
    assert many <= LIST_MAX_QUERIES


def test_filtered_and_sorted_list_query_count(client_for, world, django_assert_max_num_queries):
    make_projects(world, 40)
    # Half of them match every filter below, so the page counts the queries of rows actually shown.
    matching = Project.objects.filter(name__startswith="泽州查询计数").order_by("pk")[:20]
    Project.objects.filter(pk__in=[p.pk for p in matching]).update(stage=Stage.CONSTRUCTION, is_private=True)
    Project.objects.filter(name__startswith="泽州查询计数").exclude(pk__in=[p.pk for p in matching]).update(
        stage=Stage.PREWORK, is_private=False
    )
    client = client_for("office")
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(
            "/projects/",
            {
                "search": "查询计数",
                "county": world.zezhou.pk,
                "stage": "construction",
                "ordering": "-annual_planned",
                "flag": "is_private",
                "page_size": 50,
            },
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert total_on_page(html, "count") == "20"
    assert len(project_names_on_page(html)) == 20


def build_dossier(world):
    project = world.zz_project
    for year in (2023, 2024, 2026, 2027):
        AnnualPlanFactory(project=project, year=year)
    today = timezone.localdate()
    for i, kind in enumerate(ApprovalKind.objects.all()):
        status = [
            ApprovalStatus.DONE,
            ApprovalStatus.IN_PROGRESS,
            ApprovalStatus.NOT_STARTED,
            ApprovalStatus.NOT_APPLICABLE,
        ][i % 4]
        Approval.objects.create(
            project=project,
            kind=kind,
            status=status,
            handler=f"承办人{i}",
            actual_date=today - dt.timedelta(days=30) if status == ApprovalStatus.DONE else None,
        )
    for a, b in [
        ("", Stage.RESERVE),
        (Stage.RESERVE, Stage.PREWORK),
        (Stage.PREWORK, Stage.CONSTRUCTION),
        (Stage.CONSTRUCTION, Stage.SUSPENDED),
        (Stage.SUSPENDED, Stage.CONSTRUCTION),
    ]:
        StageChange.objects.create(
            project=project, from_stage=a, to_stage=b, actor=world["zezhou"], reason="调度"
        )
    for i in range(12):
        project_update(
            actor=world["zezhou"] if i % 2 else world["office"],
            project=project,
            data={"manager": f"负责人{i}"},
        )
    for plan in project.annual_plans.all():
        audit.record(
            actor=world["zezhou"],
            action=AuditAction.UPDATE,
            instance=plan,
            root=project,
            changes={"planned_investment": ["1.00", "2.00"]},
        )
    return project


@pytest.mark.parametrize("persona", ["zezhou", "office", "leader"])
def test_dossier_query_count_is_fixed(client_for, world, persona, django_assert_max_num_queries):
    project = build_dossier(world)
    client = client_for(persona)
    with django_assert_max_num_queries(DOSSIER_MAX_QUERIES):
        response = client.get(f"/projects/{project.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-approval="') == ApprovalKind.objects.count()
    assert "负责人11" in html and "承办人0" in html


def test_dossier_query_count_does_not_grow_with_history(client_for, world):
    project = build_dossier(world)
    client = client_for("zezhou")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/projects/{project.pk}/")
    for i in range(30):
        audit.record(
            actor=world["office"],
            action=AuditAction.UPDATE,
            instance=project,
            changes={"manager": [str(i), str(i + 1)]},
        )
        StageChange.objects.create(
            project=project, from_stage=Stage.CONSTRUCTION, to_stage=Stage.CONSTRUCTION, actor=world["office"]
        )
    with CaptureQueriesContext(connection) as after:
        client.get(f"/projects/{project.pk}/")
    assert len(after.captured_queries) == len(before.captured_queries)
