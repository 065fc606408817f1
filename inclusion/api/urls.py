"""What 入库纳统 adds to the one `/api/v1/` router (`config/api.py`)."""

from .views import DirectoryViewSet, InclusionViewSet


def register(router):
    # The directory first: `inclusion/{pk}/` only takes digits, so the two never collide.
    router.register("inclusion/directory", DirectoryViewSet, basename="inclusion-directory")
    router.register("inclusion", InclusionViewSet, basename="inclusion")
