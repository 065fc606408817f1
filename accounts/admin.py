from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .forms import AdminPasswordChangeForm
from .models import AuditLog, Organisation, Role, User


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "division_code",
            "credit_code",
            "parent",
            "sort_order",
            "is_active",
        ]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError("上级单位不能是本单位或其下级单位。")
            node = node.parent
        return parent


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("name", "kind", "division_code", "parent", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "division_code", "credit_code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)

    def save_model(self, request, obj, form, change):
        services.organisation_save(actor=request.user, organisation=obj)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = AdminPasswordChangeForm  # setting a password also lifts a lockout
    actions = ["unlock_accounts"]
    list_display = ("username", "full_name", "organisation", "role_list", "is_active", "last_login")
    list_filter = ("is_active", "roles", "organisation__kind")
    search_fields = ("username", "full_name", "organisation__name")
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("roles", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("单位与角色", {"fields": ("full_name", "phone", "email", "organisation", "roles")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "password1", "password2", "organisation", "roles")},
        ),
    )

    @admin.display(description="角色")
    def role_list(self, obj):
        return "、".join(r.name for r in obj.roles.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation").prefetch_related("roles")

    @admin.action(description="解除所选账号的登录锁定")
    def unlock_accounts(self, request, queryset):
        users = list(queryset)
        for user in users:
            services.account_unlock(actor=request.user, user=user)
        self.message_user(request, f"已解除 {len(users)} 个账号的登录锁定（清除其登录失败记录）。")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_repr", "message")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "root_key", "batch")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
