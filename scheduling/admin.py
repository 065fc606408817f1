from django.contrib import admin

from .models import ChannelPreference, Delivery, Notification, RobotWebhook, Schedule, ScheduleRun, Workday


@admin.register(Workday)
class WorkdayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "rhythm", "time", "is_enabled", "task_name")
    list_filter = ("is_enabled", "rhythm")
    filter_horizontal = ("also_notify",)


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ("schedule", "key", "trigger", "status", "fire_at", "sent", "finished_at")
    list_filter = ("status", "trigger", "schedule")
    readonly_fields = [f.name for f in ScheduleRun._meta.fields]


@admin.register(RobotWebhook)
class RobotWebhookAdmin(admin.ModelAdmin):
    list_display = ("organisation", "channel", "is_enabled")
    list_filter = ("channel", "is_enabled")
    autocomplete_fields = ("organisation",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "key", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username", "recipient__full_name")
    raw_id_fields = ("recipient",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("title", "channel", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("channel", "status")
    raw_id_fields = ("notification", "robot")


admin.site.register(ChannelPreference)
