from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("reports/photos/<int:pk>/", views.report_photo_file, name="report_photo_file"),
    path(
        "reports/photos/<int:pk>/thumb/",
        views.report_photo_file,
        {"variant": "thumb"},
        name="report_photo_thumb",
    ),
    path("reports/", views.report_grid, name="report_grid"),
    path("reports/review/", views.report_review, name="report_review"),
    path("reports/office/", views.report_office, name="report_office"),
    path("reports/export/", views.report_export, name="report_export"),
    path("reports/import/", views.report_import, name="report_import"),
    path("reports/import/<int:batch_id>/", views.report_import_preview, name="report_import_preview"),
    path("reports/import/<int:batch_id>/commit/", views.report_import_commit, name="report_import_commit"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/photos/", views.report_photo_upload, name="report_photo_upload"),
    path("reports/<int:pk>/correct/", views.report_correct_view, name="report_correct"),
]
