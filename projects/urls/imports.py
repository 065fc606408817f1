from django.urls import path

from ..views import imports as views

urlpatterns = [
    path("projects/import/", views.import_list, name="import_list"),
    path("projects/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("projects/import/<int:pk>/commit/", views.import_commit, name="import_commit"),
]
