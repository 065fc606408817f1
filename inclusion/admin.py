from django.contrib import admin

from .models import DirectoryEntry, EvidenceKind, InclusionRecord, InclusionRule


@admin.register(EvidenceKind)
class EvidenceKindAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "formats", "sort_order", "is_active")


@admin.register(InclusionRule)
class InclusionRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "threshold", "evidence_kind", "is_active", "sort_order")


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ("credit_code", "name", "division_code", "updated_at")
    search_fields = ("credit_code", "name")


@admin.register(InclusionRecord)
class InclusionRecordAdmin(admin.ModelAdmin):
    list_display = ("project", "status", "stats_number", "declared_on", "included_on", "handler")
    list_filter = ("status",)
    raw_id_fields = ("project", "handler")
