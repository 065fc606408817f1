from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from .choices import CITYWIDE_ROLES, READ_ONLY_ROLES, AuditAction, OrgKind, RoleCode


class Organisation(models.Model):
    """One node of the organisation tree (city → counties/zone → towns; departments; enterprises).

    `path` is the materialised path of ids (`/1/7/42/`) kept by `accounts.services.organisation_save`,
    so "this unit and everything under it" is one indexed prefix match.
    """

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    division_code = models.CharField("行政区划代码", max_length=12, blank=True, db_index=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="/")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_per_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name


class Role(models.Model):
    code = models.CharField("代码", max_length=20, primary_key=True, choices=RoleCode.choices)
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"

    def __str__(self):
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")
    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.is_authenticated or not self.pk:
            return frozenset()
        return self._with_admin(self.roles.values_list("code", flat=True))

    def _with_admin(self, codes) -> frozenset[str]:
        codes = set(codes)
        if self.is_superuser:
            codes.add(RoleCode.ADMIN)
        return frozenset(codes)

    def set_role_codes(self, codes) -> None:
        """The role codes read with the user (`accounts.backends.PortalBackend`): no second query."""
        self.__dict__["role_codes"] = self._with_admin(codes)

    def has_role(self, *codes) -> bool:
        return bool(self.role_codes.intersection(codes))

    @property
    def sees_all_projects(self) -> bool:
        codes = self.role_codes & CITYWIDE_ROLES
        if not codes:
            return False
        if codes - {RoleCode.STATISTICS}:
            return True
        # Statistics staff of a county (县统计局) see their county; the city bureau sees everything.
        from .scoping import statistics_area

        return statistics_area(self) is None

    @property
    def is_read_only(self) -> bool:
        """Leaders and statistics read project data; they hold no writing role."""
        return bool(self.role_codes & READ_ONLY_ROLES) and not self.has_role(
            RoleCode.REPORTER, RoleCode.REVIEWER, RoleCode.OFFICE, RoleCode.ADMIN
        )

    @property
    def display_name(self):
        return self.full_name or self.username


class AuditLog(models.Model):
    """One row per change anyone makes, with before/after values. Written only by `accounts.audit`."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("对象", max_length=255)
    # The record this change belongs to (e.g. "projects.project:42" for a plan of project 42),
    # so a dossier lists every change of the project and its parts with one indexed query.
    root_key = models.CharField(max_length=80, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    batch = models.CharField("批次", max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["root_key", "-at"], name="audit_root_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"
