from django.urls import path

from . import views

app_name = "inclusion"

urlpatterns = [
    path("inclusion/", views.screening, name="screening"),
    path("inclusion/bulk/", views.bulk, name="bulk"),
    path("inclusion/rules/", views.rules, name="rules"),
    path("inclusion/directory/", views.directory, name="directory"),
    path("inclusion/directory/<int:pk>/", views.directory_preview, name="directory_preview"),
    path("inclusion/directory/<int:pk>/commit/", views.directory_commit, name="directory_commit"),
    path("inclusion/import/", views.status_import, name="status_import"),
    path("inclusion/import/<int:pk>/", views.status_import_preview, name="status_import_preview"),
    path("inclusion/import/<int:pk>/commit/", views.status_import_commit, name="status_import_commit"),
    path("inclusion/exports/jobs/<int:pk>/", views.export_job, name="export_job"),
    path("inclusion/exports/jobs/<int:pk>/download/", views.export_download, name="export_download"),
    path("inclusion/exports/<slug:kind>/", views.export, name="export"),
    path("inclusion/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("inclusion/<int:pk>/", views.detail, name="detail"),
    path("inclusion/<int:pk>/move/", views.move, name="move"),
    path("inclusion/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("inclusion/<int:pk>/request/", views.evidence_request, name="evidence_request"),
]
