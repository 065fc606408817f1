"""config.compiled: the hot reads' SQL is compiled once per key and run again as it was compiled.
It remembers SQL, never rows: a changed database is read as it is now."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery

from config import compiled
from projects.models import AnnualPlan, Project
from projects.selectors.projects import MONEY
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport
from reporting.selectors.pages import grid_for
from tests.factories import AnnualPlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_memo():
    # Each test starts with nothing remembered on this thread's connection.
    connections["default"].__dict__.pop("_portal_compiled", None)
    yield
    connections["default"].__dict__.pop("_portal_compiled", None)


def _grid_like(ids):
    plan = (
        AnnualPlan.objects.filter(project=OuterRef("pk"), year=2025)
        .order_by()
        .values("planned_investment")[:1]
    )
    reported = MonthlyReport.objects.filter(project=OuterRef("pk"), year=2025, month=10)
    return (
        Project.objects.filter(pk__in=ids)
        .annotate(
            plan=Subquery(plan, output_field=MONEY),
            reported=ExpressionWrapper(Q(Exists(reported)), output_field=BooleanField()),
        )
        .order_by("id")
        .values("id", "name", "total_investment", "actual_start", "plan", "reported")
    )


@pytest.fixture
def projects(world):
    a = ProjectFactory(county=world.zezhou, name="甲（二期）", total_investment=Decimal("1234.56"))
    b = ProjectFactory(county=world.zezhou, name="乙", actual_start=dt.date(2025, 4, 1))
    AnnualPlanFactory(project=a, year=2025, planned_investment=Decimal("300.25"))
    MonthlyReport.objects.create(project=b, year=2025, month=10, invested=Decimal("12.30"))
    return [a.pk, b.pk]


def test_rows_are_the_querysets_rows_with_their_types(projects):
    built = []

    def build():
        built.append(1)
        return _grid_like(projects)

    rows = compiled.values(("test", tuple(projects)), build)
    assert rows == list(_grid_like(projects))
    first, second = rows
    assert first["name"] == "甲（二期）" and first["plan"] == Decimal("300.25") and first["reported"] is False
    assert type(first["total_investment"]) is Decimal and type(second["actual_start"]) is dt.date
    assert second["plan"] is None and second["reported"] is True
    assert built == [1]


def test_a_hit_builds_nothing_runs_one_query_and_reads_the_database_as_it_is_now(
    projects, django_assert_num_queries
):
    built = []

    def build():
        built.append(1)
        return _grid_like(projects)

    key = ("test", tuple(projects))
    assert compiled.values(key, build)[0]["reported"] is False
    MonthlyReport.objects.create(project_id=projects[0], year=2025, month=10, invested=Decimal("1.00"))
    Project.objects.filter(pk=projects[0]).update(name="甲（三期）")
    with django_assert_num_queries(1):
        rows = compiled.values(key, build)
    assert built == [1]  # compiled once
    assert rows[0]["reported"] is True and rows[0]["name"] == "甲（三期）"  # rows read afresh
    assert rows == list(_grid_like(projects))


def test_another_key_compiles_its_own_sql(projects):
    one = compiled.values(("test", (projects[0],)), lambda: _grid_like([projects[0]]))
    both = compiled.values(("test", tuple(projects)), lambda: _grid_like(projects))
    assert [r["id"] for r in one] == [projects[0]] and [r["id"] for r in both] == projects


def test_nothing_to_read_is_no_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert compiled.values(("test", ()), lambda: _grid_like([])) == []
        assert compiled.values(("test", ()), lambda: _grid_like([])) == []


def test_only_values_querysets(projects):
    with pytest.raises(TypeError):
        compiled.values(("test", "models"), lambda: Project.objects.filter(pk__in=projects))
    with pytest.raises(TypeError):
        compiled.values(("test", "tuples"), lambda: Project.objects.values_list("pk"))


def test_the_memory_is_bounded(projects, monkeypatch):
    monkeypatch.setattr(compiled, "MEMO_SIZE", 2)
    built = []

    def build():
        built.append(1)
        return _grid_like(projects)

    for key in ("a", "b", "c"):
        compiled.values((key,), build)
    compiled.values(("c",), build)  # still remembered
    assert len(built) == 3
    compiled.values(("a",), build)  # the oldest went first
    assert len(built) == 4
    assert len(connections["default"]._portal_compiled) == 2


def test_the_grid_compiled_reads_the_latest_reports(world, projects):
    unit = world.zezhou
    first = grid_for(unit=unit, year=2025, month=10)
    MonthlyReport.objects.filter(project_id=projects[1], year=2025, month=10).update(
        invested=Decimal("45.60"), status=ReportStatus.SUBMITTED, version=2
    )
    MonthlyReport.objects.create(project_id=projects[1], year=2025, month=9, invested=Decimal("7.00"))
    second = grid_for(unit=unit, year=2025, month=10)
    row = second.by_project()[projects[1]]
    assert first.by_project()[projects[1]].report.invested == Decimal("12.30")
    assert row.report.invested == Decimal("45.60") and row.report.status == ReportStatus.SUBMITTED
    assert row.last_month == Decimal("7.00") and row.ytd_before == Decimal("7.00")
    assert second.by_project()[projects[0]].annual_plan == Decimal("300.25")


def test_any_id_is_in_ids_and_keeps_each_id_out_of_the_plan(projects, django_assert_num_queries):
    both = Project.objects.filter(compiled.AnyId("pk", projects)).order_by("pk")
    assert list(both.values_list("pk", flat=True)) == projects
    assert list(Project.objects.filter(compiled.AnyId("pk", projects[1:]))) == list(
        Project.objects.filter(pk__in=projects[1:])
    )
    sql = str(both.query)
    if connections["default"].vendor == "postgresql":
        assert "= ANY(CAST((SELECT" in sql and str(projects[1]) in sql
    else:
        assert " IN (" in sql
    with django_assert_num_queries(0):
        assert list(Project.objects.filter(compiled.AnyId("pk", []))) == []
    # a report's project_id, as the grid's reads use it
    reports = MonthlyReport.objects.filter(compiled.AnyId("project_id", projects), year=2025, month=10)
    assert [r.project_id for r in reports] == [projects[1]]


def test_nothing_to_read_is_remembered_too(world):
    built = []

    def build():
        built.append(1)
        return _grid_like([])

    compiled.values(("test", "none"), build)
    compiled.values(("test", "none"), build)
    assert built == [1]


def test_a_read_whose_values_are_only_parameters_is_compiled_once(projects, django_assert_num_queries):
    built = []

    def by_pk(pk):
        def build():
            built.append(pk)
            return Project.objects.filter(pk=pk).values("name")

        return build

    for pk in projects:
        assert compiled.values(("by_pk",), by_pk(pk), params=(pk,)) == [
            {"name": Project.objects.get(pk=pk).name}
        ]
    assert built == [projects[0]]  # the second id ran the SQL compiled for the first
    assert len([k for k in connections["default"]._portal_compiled if k == ("by_pk",)]) == 1
    with django_assert_num_queries(1):
        assert compiled.values(("by_pk",), by_pk(10**9), params=(10**9,)) == []


def test_parameters_that_are_not_the_compiled_ones_are_refused(projects):
    with pytest.raises(ValueError, match="compiles to parameters"):
        compiled.values(
            ("mismatch",),
            lambda: Project.objects.filter(pk=projects[0], name="甲（二期）").values("pk"),
            params=(projects[0],),
        )


def test_made_up_session_keys_do_not_fill_the_memory(world, client_for):
    from django.conf import settings as django_settings

    client = client_for(None)
    for i in range(20):
        client.cookies[django_settings.SESSION_COOKIE_NAME] = f"madeup{i:026d}"
        client.get("/accounts/profile/")
    memo = connections["default"].__dict__.get("_portal_compiled", {})
    assert [k for k in memo if k[0] == "session"] == [("session",)]
