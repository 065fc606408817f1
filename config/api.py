"""`/api/v1/`: one router; each app registers its viewsets through `<app>/api/urls.py`."""

from rest_framework.routers import DefaultRouter

from dashboards.api import urls as dashboards_api  # issue 12
from inclusion.api import urls as inclusion_api
from issues.api import urls as issues_api
from projects.api import urls as projects_api
from reporting.api import urls as reporting_api
from scheduling.api import urls as scheduling_api

app_name = "api"

router = DefaultRouter()
for app_api in (projects_api, reporting_api, scheduling_api, inclusion_api, dashboards_api, issues_api):
    app_api.register(router)

urlpatterns = router.urls
