from django.contrib import admin

from .models import (
    AnnualPlan,
    Approval,
    ApprovalKind,
    ImportBatch,
    Leader,
    Project,
    StageChange,
)


@admin.register(ApprovalKind)
class ApprovalKindAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "organisation", "is_active")
    list_filter = ("organisation", "is_active")
    search_fields = ("name", "title")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Project data changes only through the portal's services (audited); the admin reads it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "county", "department", "stage", "total_investment")
    list_filter = ("stage", "key_level", "industry")
    search_fields = ("name", "code", "construction_unit")
    list_select_related = ("county", "department")


for model in (AnnualPlan, Approval, StageChange, ImportBatch):
    admin.site.register(model, ReadOnlyAdmin)
