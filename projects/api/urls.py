"""`/api/v1/`: one router, each area registers its viewsets."""

from rest_framework.routers import DefaultRouter

from . import projects, reports

app_name = "api"

router = DefaultRouter()
projects.register(router)
reports.register(router)

urlpatterns = router.urls
