from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboards/city/", views.city, name="city"),
    path("dashboards/areas/<int:pk>/", views.area, name="area"),
    path("dashboards/departments/<int:pk>/", views.department, name="department"),
    path("dashboards/projects/", views.drill, name="drill"),
    path("dashboards/map/", views.key_map, name="map"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/publish/", views.ranking_publish_view, name="ranking_publish"),
    path("ranking/scheme/", views.scheme_edit, name="scheme_edit"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", views.bulletin_create_view, name="bulletin_create"),
    path("bulletins/templates/", views.bulletin_templates, name="bulletin_templates"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/publish/", views.bulletin_publish_view, name="bulletin_publish"),
    path("bulletins/<int:pk>/docx/", views.bulletin_docx_view, name="bulletin_docx"),
    path("bulletins/<int:pk>/xlsx/", views.bulletin_xlsx_view, name="bulletin_xlsx"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/<int:org_pk>/<int:year>/", views.target_edit, name="target_edit"),
    path("targets/upload/", views.target_upload, name="target_upload"),
]
