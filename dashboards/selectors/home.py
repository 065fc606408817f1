"""Reads for the start page (`/`): the user's world split by area, beside `projects.selectors.home_summary`."""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from accounts.choices import OrgKind
from projects.choices import Stage
from projects.models import AnnualPlan
from projects.money import as_money
from projects.selectors import projects_for_user


def home_by_county(*, user, year: int) -> list[dict]:
    """Per county (area) the user sees: projects, under construction, 总投资 and 年度计划, in two queries."""
    scoped = projects_for_user(user)
    rows = list(
        scoped.order_by()
        .values("county_id", "county__name", "county__short_name", "county__sort_order", "county__kind")
        .annotate(
            count=Count("pk"),
            building=Count("pk", filter=Q(stage=Stage.CONSTRUCTION)),
            total_investment=Sum("total_investment"),
        )
        .order_by("county__sort_order", "county_id")
    )
    planned = dict(
        AnnualPlan.objects.filter(project__in=scoped.order_by().values("pk"), year=year)
        .order_by()
        .values_list("project__county_id")
        .annotate(total=Sum("planned_investment"))
    )
    return [
        {
            "county_id": row["county_id"],
            "name": row["county__short_name"] or row["county__name"],
            # City-level projects: the list's county filter would take the whole city's subtree.
            "is_city": row["county__kind"] == OrgKind.CITY,
            "count": row["count"],
            "building": row["building"],
            "total_investment": as_money(row["total_investment"]),
            "annual_planned": as_money(planned.get(row["county_id"])),
        }
        for row in rows
    ]
