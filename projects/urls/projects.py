from django.urls import path

from ..views import projects as views

urlpatterns = [
    path("projects/", views.project_list_view, name="project_list"),
    path("projects/new/", views.project_create_view, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/history/", views.project_history, name="project_history"),
    path("projects/<int:pk>/transition/", views.project_transition_view, name="project_transition"),
    path("projects/<int:pk>/plans/new/", views.plan_edit, name="plan_create"),
    path("projects/<int:pk>/plans/<int:plan_pk>/edit/", views.plan_edit, name="plan_edit"),
    path("projects/<int:pk>/plans/<int:plan_pk>/delete/", views.plan_delete, name="plan_delete"),
    path("projects/<int:pk>/approvals/new/", views.approval_edit, name="approval_create"),
    path("projects/<int:pk>/approvals/<int:approval_pk>/edit/", views.approval_edit, name="approval_edit"),
]
