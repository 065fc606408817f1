from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("notifications/preferences/", views.notification_preferences, name="notification_preferences"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("dispatch/", views.schedule_list, name="schedule_list"),
    path("dispatch/calendar/", views.workday_calendar, name="workday_calendar"),
    path("dispatch/calendar/days/", views.workday_save, name="workday_save"),
    path("dispatch/calendar/days/<str:day>/delete/", views.workday_delete, name="workday_delete"),
    path("dispatch/calendar/import/", views.workday_import, name="workday_import"),
    path("dispatch/<int:pk>/", views.schedule_detail, name="schedule_detail"),
    path("dispatch/<int:pk>/edit/", views.schedule_edit, name="schedule_edit"),
    path("dispatch/<int:pk>/run/", views.schedule_run, name="schedule_run"),
]
