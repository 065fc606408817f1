"""What dispatch adds to the one `/api/v1/` router (`config/api.py`)."""

from .views import NotificationViewSet, WorkdayViewSet


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("workdays", WorkdayViewSet, basename="workday")
