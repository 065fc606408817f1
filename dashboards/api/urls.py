"""What the dashboards add to the one `/api/v1/` router (`config/api.py`)."""

from .views import (
    AreaDashboardViewSet,
    BulletinViewSet,
    CityDashboardViewSet,
    DepartmentDashboardViewSet,
    RankingViewSet,
)


def register(router):
    router.register("dashboards/city", CityDashboardViewSet, basename="dashboard-city")
    router.register("dashboards/areas", AreaDashboardViewSet, basename="dashboard-area")
    router.register("dashboards/departments", DepartmentDashboardViewSet, basename="dashboard-department")
    router.register("ranking", RankingViewSet, basename="ranking")
    router.register("bulletins", BulletinViewSet, basename="bulletin")
