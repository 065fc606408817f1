"""入库纳统: the bureau's rules, its directory (名录库), one inclusion record per project with its
history, the evidence units upload, what the bureau asks of them, uploads and export jobs."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from projects.models import Project

from .choices import ExportKind, InclusionStatus, JobStatus, RuleKind, UploadKind, UploadStatus


class EvidenceKind(models.Model):
    """A kind of supporting document (立项/备案文件, 施工许可或开工证明, 施工合同, 发票, 现场照片)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    # Comma-separated formats accepted for this kind, decided by content: pdf, jpeg, png.
    formats = models.CharField("允许格式", max_length=60, default="pdf,jpeg,png")
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "佐证资料类型"
        verbose_name_plural = "佐证资料类型"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name

    @property
    def format_list(self) -> list[str]:
        return [f.strip() for f in self.formats.split(",") if f.strip()]


class InclusionRule(models.Model):
    """One condition of inclusion, configured by the bureau: which check, its threshold or document
    kind, and whether it is in force. The checks themselves are `inclusion.rules`."""

    kind = models.CharField("条件类型", max_length=20, choices=RuleKind.choices)
    name = models.CharField("条件", max_length=60)
    threshold = models.DecimalField(
        "起点金额（万元）",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="仅“计划总投资达到起点”使用；留空时使用系统设置 INCLUSION_MIN_INVESTMENT。",
    )
    evidence_kind = models.ForeignKey(
        EvidenceKind, verbose_name="佐证资料", null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "入库条件"
        verbose_name_plural = "入库条件"
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=RuleKind.EVIDENCE) | Q(evidence_kind__isnull=False),
                name="inclusion_rule_evidence_kind",
            ),
        ]

    def __str__(self):
        return self.name


class DirectoryEntry(models.Model):
    """One legal-entity unit of the statistics directory (名录库), as the bureau's extract lists it."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("单位名称", max_length=200)
    division_code = models.CharField("行政区划代码", max_length=12, blank=True)
    upload = models.ForeignKey(
        "DirectoryUpload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "名录库单位"
        verbose_name_plural = "名录库"
        ordering = ["credit_code"]

    def __str__(self):
        return f"{self.name}（{self.credit_code}）"


class DirectoryUpload(models.Model):
    """One uploaded file (名录库 extract or the screening list with statuses): preview, then commit."""

    kind = models.CharField("类型", max_length=20, choices=UploadKind.choices)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    status = models.CharField(
        "状态", max_length=20, choices=UploadStatus.choices, default=UploadStatus.PREVIEWED
    )
    summary = models.JSONField("结果摘要", default=dict, blank=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "入库纳统导入"
        verbose_name_plural = "入库纳统导入"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"


class InclusionRecord(models.Model):
    """Where one project stands with the statistics database. A project without a record is 待申报."""

    project = models.OneToOneField(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="inclusion_record"
    )
    status = models.CharField(
        "入库状态",
        max_length=20,
        choices=InclusionStatus.choices,
        default=InclusionStatus.PENDING,
        db_index=True,
    )
    declared_on = models.DateField("申报日期", null=True, blank=True)
    included_on = models.DateField("入库日期", null=True, blank=True)
    returned_on = models.DateField("退回日期", null=True, blank=True)
    stats_number = models.CharField("统计库项目编号", max_length=40, blank=True)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    duplicate_note = models.CharField(
        "重复核实说明", max_length=500, blank=True, help_text="疑似重复项目经核实后申报时的说明。"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True, on_delete=models.SET_NULL
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "入库纳统记录"
        verbose_name_plural = "入库纳统记录"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stats_number"], condition=~Q(stats_number=""), name="inclusion_unique_stats_number"
            ),
            models.CheckConstraint(
                condition=~Q(status=InclusionStatus.INCLUDED) | ~Q(stats_number=""),
                name="inclusion_included_has_number",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_status_display()}"


class InclusionEvent(models.Model):
    """Every change of an inclusion record: from → to, who, when, why."""

    record = models.ForeignKey(InclusionRecord, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField("原状态", max_length=20, choices=InclusionStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=InclusionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.CharField("说明", max_length=500, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = "入库状态变更"
        verbose_name_plural = "入库状态变更"
        ordering = ["record", "-at", "-id"]

    def __str__(self):
        return f"{self.record.project}: {self.get_from_status_display()} → {self.get_to_status_display()}"


def evidence_path(instance, filename):
    return f"inclusion/evidence/{instance.project_id}/{filename}"


class EvidenceFile(models.Model):
    """A supporting document a unit (or the bureau) attached to a project, checked by content."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inclusion_evidence")
    kind = models.ForeignKey(EvidenceKind, verbose_name="资料类型", on_delete=models.PROTECT)
    file = models.FileField("文件", upload_to=evidence_path, max_length=255)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    file_format = models.CharField("格式", max_length=10)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "佐证资料"
        verbose_name_plural = "佐证资料"
        ordering = ["project", "kind__sort_order", "-uploaded_at"]
        indexes = [models.Index(fields=["project", "kind"], name="evidence_project_kind")]

    def __str__(self):
        return f"{self.project} · {self.kind}"


class EvidenceRequest(models.Model):
    """The bureau asks a project's units for missing evidence; they see it on the project's page."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inclusion_requests")
    kinds = models.ManyToManyField(EvidenceKind, verbose_name="所需资料", related_name="+")
    message = models.CharField("说明", max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("要求时间", default=timezone.now)
    resolved_at = models.DateTimeField("补齐时间", null=True, blank=True)

    class Meta:
        verbose_name = "补充资料要求"
        verbose_name_plural = "补充资料要求"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["project", "resolved_at"], name="evidence_request_open")]

    def __str__(self):
        return f"{self.project} · {self.requested_at:%Y-%m-%d}"


class ExportJob(models.Model):
    """A large export built in the background: progress for the page's bar, the file when done."""

    kind = models.CharField("报表", max_length=20, choices=ExportKind.choices)
    params = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
