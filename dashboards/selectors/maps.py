"""The key-project map: area outlines (stored GeoJSON) and the user's key projects with coordinates."""

from __future__ import annotations

from django.db.models import Q

from projects.choices import Stage
from projects.selectors import projects_for_user
from reporting import measures

from ..models import AreaOutline

STAGE_COLOURS = {
    Stage.RESERVE: "#6c757d",
    Stage.PREWORK: "#0dcaf0",
    Stage.CONSTRUCTION: "#dc3545",
    Stage.COMPLETED: "#198754",
    Stage.OPERATION: "#0d6efd",
    Stage.SUSPENDED: "#ffc107",
    Stage.CANCELLED: "#343a40",
}


def outlines_geojson() -> dict:
    """A FeatureCollection of every stored outline, `properties.name` the area's short name."""
    features = []
    for outline in AreaOutline.objects.select_related("organisation").order_by("organisation__sort_order"):
        geometry = outline.geometry
        if geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        features.append(
            {
                "type": "Feature",
                "properties": {"name": outline.organisation.display_name, "id": outline.organisation_id},
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def key_project_points(*, user, year: int, month: int, area_id=None) -> list[dict]:
    """The key projects the user sees that have coordinates, with stage, 完成率 and the gap (lag)."""
    qs = projects_for_user(user).filter(~Q(key_level=""), longitude__isnull=False, latitude__isnull=False)
    if area_id:
        qs = qs.filter(county_id=area_id)
    rows = list(
        qs.order_by("pk").values(
            "pk", "name", "stage", "key_level", "longitude", "latitude", "county__short_name", "county__name"
        )
    )
    figures = measures.figures_by_project(project_ids=[r["pk"] for r in rows], year=year, month=month)
    stages = dict(Stage.choices)
    points = []
    for r in rows:
        f = figures[r["pk"]]
        points.append(
            {
                "id": r["pk"],
                "name": r["name"],
                "area": r["county__short_name"] or r["county__name"],
                "stage": r["stage"],
                "stage_label": str(stages.get(r["stage"], r["stage"])),
                "lng": float(r["longitude"]),
                "lat": float(r["latitude"]),
                "completion_rate": None if f.completion_rate is None else float(f.completion_rate),
                "gap": None if f.vs_time_progress_pp is None else float(f.vs_time_progress_pp),
            }
        )
    return points
