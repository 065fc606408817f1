from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.scoping import project_scope_q

from ..choices import Stage
from ..filters import ProjectFilterSet, current_year
from ..models import AnnualPlan, Approval, ApprovalKind, Project, StageChange
from ..money import as_money

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def projects_for_user(user):
    """The base queryset of every project read: only what `user` may see."""
    return Project.objects.filter(project_scope_q(user))


def _with_annual_plan(queryset, year: int):
    # One plan per project and year: no order (the model's ordering would join the project table
    # inside each row's subquery).
    plan = AnnualPlan.objects.filter(project=OuterRef("pk"), year=year).order_by()
    return queryset.annotate(
        annual_planned=Subquery(plan.values("planned_investment")[:1], output_field=MONEY),
        annual_is_new=Subquery(plan.values("is_new")[:1]),
    )


def project_list(*, user, filters=None, request=None):
    """`(filterset, queryset)`: the scoped, filtered, annotated and ordered project list.

    The same FilterSet serves the HTML list and the API. The queryset's rows carry
    `annual_planned` / `annual_is_new` for the filter year (default: this year).
    """
    base = projects_for_user(user)
    filterset = ProjectFilterSet(filters or {}, queryset=base, request=request)
    if not filterset.is_valid():
        return filterset, base.none()
    # Annotate before filtering so `ordering=annual_planned` can sort on the plan of the filter year.
    filterset.queryset = _with_annual_plan(base, filterset.plan_year)
    qs = filterset.qs
    # Lists never show the long 建设内容 text; leaving it in the table keeps the rows narrow.
    qs = qs.select_related("county", "town", "department", "liaison_leader").defer("content")
    ordering = list(qs.query.order_by)
    if not any(o.lstrip("-") in ("id", "pk") for o in ordering):
        # Ties in the sort column fall back to newest first, so pages never overlap or skip rows.
        qs = qs.order_by(*ordering, "-id")
    return filterset, qs


@dataclass(frozen=True)
class ProjectTotals:
    count: int
    total_investment: Decimal
    annual_planned: Decimal
    year: int


def project_totals(queryset, year: int) -> ProjectTotals:
    """Count, 总投资 and 年度计划 of a (filtered) project set.

    The plan of `year` is joined on its unique (project, year) row, so the sums stay exact. The
    whole portfolio (the office's list without a filter) is summed table by table instead: two
    plain aggregates cost a fraction of joining every project to its plan.
    """
    if queryset.model is Project and not queryset.query.where:
        # COUNT(*) and the 总投资 index: PostgreSQL answers from the index alone (no row is read).
        counted = Project.objects.order_by().aggregate(
            n=Count("*"), total=Coalesce(Sum("total_investment"), Value(ZERO), output_field=MONEY)
        )
        planned = AnnualPlan.objects.filter(year=year).aggregate(
            planned=Coalesce(Sum("planned_investment"), Value(ZERO), output_field=MONEY)
        )
        return ProjectTotals(
            count=counted["n"],
            total_investment=as_money(counted["total"]),
            annual_planned=as_money(planned["planned"]),
            year=year,
        )
    sums = (
        queryset.order_by()
        .annotate(plan_of_year=FilteredRelation("annual_plans", condition=Q(annual_plans__year=year)))
        .aggregate(
            # one row per project (at most one plan per project and year): COUNT(*) counts them
            n=Count("*"),
            total=Coalesce(Sum("total_investment"), Value(ZERO), output_field=MONEY),
            planned=Coalesce(Sum("plan_of_year__planned_investment"), Value(ZERO), output_field=MONEY),
        )
    )
    return ProjectTotals(
        count=sums["n"],
        total_investment=as_money(sums["total"]),
        annual_planned=as_money(sums["planned"]),
        year=year,
    )


def approval_kinds():
    return ApprovalKind.objects.filter(is_active=True)


def project_get_for_user(*, user, pk, for_update: bool = False) -> Project:
    """One project with everything the dossier shows; 404 when out of scope (no existence leak)."""
    qs = (
        projects_for_user(user)
        .select_related(
            "county", "town", "department", "reporting_unit", "enterprise", "liaison_leader", "created_by"
        )
        .prefetch_related(
            Prefetch("annual_plans", queryset=AnnualPlan.objects.order_by("-year")),
            Prefetch(
                "approvals", queryset=Approval.objects.select_related("kind").order_by("kind__sort_order")
            ),
            Prefetch(
                "stage_changes", queryset=StageChange.objects.select_related("actor").order_by("at", "id")
            ),
        )
    )
    try:
        return qs.get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在或不在您的管辖范围内。") from None


def home_summary(*, user) -> dict:
    """What each role's start page shows: the size of its world, split by stage."""
    qs = projects_for_user(user)
    by_stage = dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))
    totals = project_totals(qs, current_year())
    return {
        "totals": totals,
        "by_stage": [(s.value, s.label, by_stage.get(s.value, 0)) for s in Stage],
    }
