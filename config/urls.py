from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health
from dashboards import views as dashboard_views

admin.site.site_header = "项目建设攻坚平台 · 管理后台"
admin.site.site_title = "项目建设攻坚平台"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
    path("", include("reporting.urls")),
    # dashboards (issue 12): dashboards, 赛马 ranking, map, bulletins, targets
    path("", include("dashboards.urls")),
    path("", include("scheduling.urls")),
    path("", include("inclusion.urls")),
    path("", include("issues.urls")),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (Content-Security-Policy).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
