"""Project selectors: the list's totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projects.models import AnnualPlan, Project
from projects.selectors.projects import project_totals
from tests.factories import AnnualPlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_whole_portfolios_totals_equal_the_joined_sums(world):
    """The office's unfiltered list sums table by table; the result is the join's, to the cent."""
    for i in range(3):
        p = ProjectFactory(county=world.gaoping, total_investment=Decimal("1234.56") + i)
        AnnualPlanFactory(project=p, year=2025, planned_investment=Decimal("10.01") * (i + 1))
        AnnualPlanFactory(project=p, year=2026, planned_investment=Decimal("99.99"))
    ProjectFactory(county=world.zezhou)  # no plan
    everything = Project.objects.all()
    fast = project_totals(everything, 2025)
    joined = project_totals(everything.filter(pk__gte=0), 2025)  # a filter: the joined query
    assert fast == joined
    assert fast.count == Project.objects.count()
    assert fast.annual_planned == sum(
        AnnualPlan.objects.filter(year=2025).values_list("planned_investment", flat=True), Decimal("0")
    )
