"""What monthly reporting adds to the one `/api/v1/` router (`config/api.py`)."""

from .views import ReportViewSet


def register(router):
    router.register("reports", ReportViewSet, basename="report")
