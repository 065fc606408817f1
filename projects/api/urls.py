"""What the projects app adds to the one `/api/v1/` router (`config/api.py`)."""

from .projects import ProjectViewSet


def register(router):
    router.register("projects", ProjectViewSet, basename="project")
