"""Every list and export of monthly progress runs a fixed number of queries, however many rows."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import AnnualPlan, Project
from reporting.models import MonthlyReport
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PERIOD = {"year": 2025, "month": 6}


def add_projects(world, n, *, status="submitted"):
    """`n` more 泽州县 projects with a 2025 plan and a June report in `status` (bulk, no services)."""
    projects = [
        ProjectFactory.build(name=f"泽州县计数项目{i:03d}", county=world.zezhou, reporting_unit=world.zezhou)
        for i in range(n)
    ]
    projects = Project.objects.bulk_create(projects)
    AnnualPlan.objects.bulk_create(
        [AnnualPlan(project=p, year=2025, planned_investment=Decimal("1200.00")) for p in projects]
    )
    MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(
                project=p, year=2025, month=6, invested=Decimal("10.00"), image_progress="施工", status=status
            )
            for p in projects
        ]
    )


def queries(client, url, params=None) -> tuple[int, object]:
    client.get(url, params)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(ctx), response


@pytest.mark.parametrize(
    ("persona", "route"),
    [
        ("zezhou_head", "reporting:report_review"),
        ("zezhou", "reporting:report_export"),
        ("zezhou", "reporting:report_grid"),
    ],
)
def test_monthly_pages_and_export_do_not_query_per_row(world, client_for, persona, route):
    client = client_for(persona)
    url = reverse(route)
    add_projects(world, 3)
    few, _ = queries(client, url, PERIOD)
    add_projects(world, 30)
    many, response = queries(client, url, PERIOD)
    assert many == few
    # …and the extra rows are really there (a page that dropped them would also be "constant").
    if route == "reporting:report_export":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        text = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    else:
        text = [response.content.decode()]
    names = [n for t in text for n in re.findall(r"泽州县计数项目\d{3}", t)]
    assert len(names) == 33


def test_import_pages_list_batches_with_fixed_queries(world, client_for):
    from projects.choices import ImportKind, ImportStatus
    from projects.models import ImportBatch

    def batches(n):
        ImportBatch.objects.bulk_create(
            [
                ImportBatch(
                    kind=kind,
                    file_name=f"台账{i}.xlsx",
                    file_sha256=f"{i:064d}",
                    content=b"",
                    uploaded_by=world["zezhou"],
                    organisation=world.zezhou,
                    status=ImportStatus.REJECTED,
                    summary={},
                )
                for i in range(n)
                for kind in (ImportKind.LEDGER, ImportKind.MONTHLY)
            ]
        )

    client = client_for("zezhou")
    batches(2)
    ledger_few, _ = queries(client, reverse("projects:import_list"))
    monthly_few, _ = queries(client, reverse("reporting:report_import"))
    batches(20)
    ledger_many, _ = queries(client, reverse("projects:import_list"))
    monthly_many, _ = queries(client, reverse("reporting:report_import"))
    assert (ledger_many, monthly_many) == (ledger_few, monthly_few)


def test_home_and_history_pages_have_fixed_queries(world, client_for):
    from projects.services import project_update

    client = client_for("office")
    history = reverse("projects:project_history", args=[world.zz_project.pk])
    project_update(actor=world["office"], project=world.zz_project, data={"manager": "首任负责人"})
    home_few, _ = queries(client, "/")
    history_few, _ = queries(client, history)
    add_projects(world, 20)
    for i in range(15):
        project_update(actor=world["office"], project=world.zz_project, data={"manager": f"负责人{i}"})
    home_many, _ = queries(client, "/")
    history_many, response = queries(client, history)
    assert (home_many, history_many) == (home_few, history_few)
    assert "负责人14" in response.content.decode()
