"""`measures.ytd_completed_by`: the one figure a screening page shows, equal to the full figures'."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projects.models import Project
from reporting import measures
from reporting.choices import ReportStatus
from reporting.measures import Basis
from reporting.models import MonthlyReport, ReportRevision
from tests.factories import ProjectFactory

D = Decimal
pytestmark = pytest.mark.django_db


def value(project, year, month, amount, *, approved=True):
    report = MonthlyReport.objects.create(
        project=project,
        year=year,
        month=month,
        invested=D(amount),
        status=ReportStatus.APPROVED if approved else ReportStatus.DRAFT,
    )
    if approved:
        ReportRevision.objects.create(
            report=report, project=project, year=year, month=month, invested=D(amount), revision=0
        )


def test_ytd_by_equals_the_sums_of_the_full_figures(world, django_assert_num_queries):
    extra = ProjectFactory(county=world.zezhou, town=world.jincun, department=world.gxj)
    value(world.zz_project, 2025, 2, "25")
    value(world.zz_project, 2025, 3, "60")
    value(world.zz_road, 2025, 3, "40", approved=False)  # a draft: not on the approved basis
    value(extra, 2025, 3, "12.34")
    value(extra, 2025, 4, "500")  # after March
    value(world.zz_project, 2024, 3, "77")  # last year
    value(world.gp_project, 2025, 1, "9")  # outside the set

    projects = Project.objects.exclude(pk=world.gp_project.pk)
    for basis in (Basis.APPROVED, Basis.WORKING):
        for by in ("county", ("county", "department")):
            with django_assert_num_queries(1):
                ytd = measures.ytd_completed_by(projects=projects, by=by, year=2025, month=3, basis=basis)
            full = measures.sums_by(projects=projects, by=by, year=2025, month=3, basis=basis)
            assert ytd == {k: s.ytd_completed for k, s in full.items() if s.ytd_completed}
    assert measures.ytd_completed_by(projects=projects, by="county", year=2025, month=3) == {
        world.zezhou.pk: D("97.34")
    }
