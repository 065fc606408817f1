from django.urls import path

from . import views

app_name = "issues"

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/mine/", views.ticket_my_unit, name="ticket_mine"),
    path("tickets/export/", views.ticket_export, name="ticket_export"),
    path("tickets/supervised/", views.ticket_supervised, name="ticket_supervised"),
    path("tickets/stats/", views.ticket_stats, name="ticket_stats"),
    path("tickets/deadlines/", views.deadline_settings, name="deadline_settings"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/<str:action>/", views.ticket_action, name="ticket_action"),
    path("tickets/attachments/<int:pk>/", views.attachment_file, name="attachment_file"),
    path("projects/<int:project_pk>/tickets/new/", views.ticket_create, name="ticket_create"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/decisions/", views.meeting_decision, name="meeting_decision"),
    path("meetings/<int:pk>/docx/", views.meeting_docx, name="meeting_docx"),
]
