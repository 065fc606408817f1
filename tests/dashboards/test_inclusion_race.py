"""The 赛马's 入库纳统 indicator (DOMAIN §5, §8): 已入库 / 应入库 per county as of the period's last day,
scored, explained and drilled to the projects behind it, computed by hand on the October world."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards.selectors.ranking import compute_ranking, inclusion_day
from inclusion.choices import InclusionStatus
from inclusion.models import InclusionRecord
from inclusion.selectors import inclusion_counts_by
from projects.choices import Stage
from projects.models import Project
from reporting import measures
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
D = Decimal
OCT = {"year": 2025, "month": 10}


def record(project, status, on=None, number=""):
    return InclusionRecord.objects.create(
        project=project,
        status=status,
        included_on=on,
        stats_number=number or (f"TJ{project.pk:06d}" if status == InclusionStatus.INCLUDED else ""),
    )


@pytest.fixture
def ledgers(october):
    """泽州县: included on 20 Oct and on 31 Oct (the last day counts), one declared; a 300万元 project
    and one not yet started are not due. 高平市: included in September, and one more on 5 November,
    which October does not count. The zone has nothing due."""
    w = october
    record(w.zz_project, InclusionStatus.INCLUDED, dt.date(2025, 10, 20))
    record(w.zz_road, InclusionStatus.INCLUDED, dt.date(2025, 10, 31))
    record(w.zz_new, InclusionStatus.DECLARED)
    ProjectFactory(name="泽州县小型项目", county=w.zezhou, total_investment=D("300"))
    ProjectFactory(
        name="泽州县未开工项目", county=w.zezhou, stage=Stage.PREWORK, actual_start=None, planned_start=None
    )
    record(w.gp_project, InclusionStatus.INCLUDED, dt.date(2025, 9, 1))
    w.gp_late = ProjectFactory(
        name="高平市十一月入库项目", county=w.gaoping, actual_start=dt.date(2025, 6, 1)
    )
    record(w.gp_late, InclusionStatus.INCLUDED, dt.date(2025, 11, 5))
    cancelled = ProjectFactory(name="高平市已取消项目", county=w.gaoping, stage=Stage.CANCELLED)
    record(cancelled, InclusionStatus.INCLUDED, dt.date(2025, 9, 1))
    return w


def test_inclusion_rate_is_included_over_due_one_decimal_half_up():
    assert measures.inclusion_rate(2, 3) == D("66.7")
    assert measures.inclusion_rate(1, 8) == D("12.5")
    assert measures.inclusion_rate(1, 16) == D("6.3")  # 6.25 rounds half up
    assert measures.inclusion_rate(0, 0) is None


def test_the_indicator_counts_by_county_as_of_the_periods_last_day(ledgers, django_assert_num_queries):
    w = ledgers
    assert inclusion_day(2025, 10) == dt.date(2025, 10, 31)
    assert inclusion_day(2025, 11) == dt.date(2025, 11, 10)  # today comes first (10 November)
    with django_assert_num_queries(2):
        october = inclusion_counts_by(projects=Project.objects.all(), by="county", day=dt.date(2025, 10, 31))
    assert october == {w.zezhou.pk: (2, 3), w.gaoping.pk: (1, 2)}
    november = inclusion_counts_by(projects=Project.objects.all(), by="county", day=dt.date(2025, 11, 10))
    assert november[w.gaoping.pk] == (2, 2)


def test_the_ranking_scores_and_explains_the_indicator(ledgers):
    w = ledgers
    rows = {row["id"]: row for row in compute_ranking(**OCT, period="monthly", audience="areas")["rows"]}

    def line(org):
        return next(x for x in rows[org.pk]["lines"] if x["code"] == "inclusion_rate")

    # Default scheme: 5 points, in proportion to the rate (0% → 0, 100% → full).
    # 泽州县 2/3 = 66.7% → 5 × 66.7 / 100 = 3.335 → 3.34 (half up); 高平市 1/2 = 50.0% → 2.50.
    assert (line(w.zezhou)["value"], line(w.zezhou)["points"], line(w.zezhou)["met"]) == (
        "66.7",
        "3.34",
        False,
    )
    assert (line(w.gaoping)["value"], line(w.gaoping)["points"]) == ("50.0", "2.50")
    assert (line(w.zone)["value"], line(w.zone)["points"], line(w.zone)["met"]) == (None, "0.00", None)
    assert line(w.zezhou)["dimension"] == "start" and line(w.zezhou)["drill"] == "inclusion_due"
    # November's ranking reads 高平市's inclusion of 5 November: 2/2, full points.
    november = {
        r["id"]: r for r in compute_ranking(year=2025, month=11, period="monthly", audience="areas")["rows"]
    }
    gaoping = next(x for x in november[w.gaoping.pk]["lines"] if x["code"] == "inclusion_rate")
    assert (gaoping["value"], gaoping["points"], gaoping["met"]) == ("100.0", "5.00", True)


def test_the_explanation_links_to_the_projects_behind_the_indicator(ledgers, client_for):
    w = ledgers
    office = client_for("office")
    page = office.get(reverse("dashboards:ranking"), OCT).content.decode()
    assert "入库纳统率(%)" in page
    assert f"set=inclusion_due&year=2025&month=10&area={w.zezhou.pk}" in page
    due = office.get(reverse("dashboards:drill"), {**OCT, "set": "inclusion_due", "area": w.zezhou.pk})
    html = due.content.decode()
    assert "应入库项目" in html
    assert all(p.name in html for p in (w.zz_project, w.zz_road, w.zz_new))
    assert "泽州县小型项目" not in html and "泽州县未开工项目" not in html
    done = office.get(reverse("dashboards:drill"), {**OCT, "set": "inclusion_included", "area": w.zezhou.pk})
    html = done.content.decode()
    assert w.zz_project.name in html and w.zz_road.name in html and w.zz_new.name not in html
    late = office.get(reverse("dashboards:drill"), {**OCT, "set": "inclusion_included", "area": w.gaoping.pk})
    assert w.gp_project.name in late.content.decode() and "高平市十一月入库项目" not in late.content.decode()
