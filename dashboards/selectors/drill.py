"""The projects behind a figure (a count, a rate, a bulletin's number), as far as the user may see them."""

from __future__ import annotations

from django.http import Http404

from inclusion.selectors import INCLUSION_SETS, inclusion_set
from projects.selectors import projects_for_user
from reporting import measures

from .ranking import inclusion_day


def drill_projects(*, user, code: str, year: int, month: int, area_id=None, department_id=None):
    """`(title, queryset)`: the set `code` (measures.DRILL_SETS, or the 赛马's 入库纳统 sets) of the
    user's projects, narrowed to an area or a department; 404 for an unknown set."""
    if code not in measures.DRILL_SETS and code not in INCLUSION_SETS:
        raise Http404("未知的数据口径。")
    base = projects_for_user(user)
    if area_id:
        base = base.filter(county_id=area_id)
    if department_id:
        base = base.filter(department_id=department_id)
    if code in INCLUSION_SETS:
        qs, title = inclusion_set(code, projects=base, day=inclusion_day(year, month)), INCLUSION_SETS[code]
    else:
        qs, title = (
            measures.set_projects(code, projects=base, year=year, month=month),
            measures.DRILL_SETS[code],
        )
    qs = (
        qs.select_related("county", "department")
        .only(
            "id",
            "name",
            "stage",
            "key_level",
            "county__name",
            "county__short_name",
            "department__name",
            "department__short_name",
            "actual_start",
            "planned_start",
        )
        .order_by("county__sort_order", "county_id", "-id")
    )
    return title, qs


def drill_rows(projects, *, year: int, month: int) -> list[dict]:
    """One page of the drill-down with each project's figures (two queries for the page)."""
    projects = list(projects)
    figures = measures.figures_by_project(project_ids=[p.pk for p in projects], year=year, month=month)
    return [{"project": p, "figures": figures[p.pk]} for p in projects]
