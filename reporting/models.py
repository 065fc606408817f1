from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from projects.models import Project
from projects.models.project import NON_NEGATIVE

from .choices import ReportStatus


class MonthlyReport(models.Model):
    """A project's progress for one month (月度进展). Derived figures live in selectors, never here.

    `version` guards against lost updates (every save must quote the version it read);
    `revision` counts corrections after approval, each kept in `ReportRevision`.
    """

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    invested = models.DecimalField(
        "本月完成投资（万元）",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=NON_NEGATIVE,
    )
    image_progress = models.TextField("形象进度", blank=True)
    percent_complete = models.DecimalField(
        "工程形象完成比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    problems = models.TextField("存在问题", blank=True)
    explanation = models.CharField(
        "超出说明", max_length=500, blank=True, help_text="本月完成投资超过剩余投资时须说明原因。"
    )
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    # The version a return left the report at: while it still has it, nobody changed the report
    # since (全部提交 then leaves it returned, with its reason).
    returned_version = models.PositiveIntegerField("退回时版本号", null=True, blank=True)
    version = models.PositiveIntegerField("版本号", default=1)
    revision = models.PositiveSmallIntegerField("更正次数", default=0)
    correction_reason = models.CharField("更正原因", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "projects_monthlyreport"
        verbose_name = "月度进展"
        verbose_name_plural = "月度进展"
        ordering = ["project", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="report_unique_month"),
            models.CheckConstraint(condition=Q(invested__gte=0), name="report_invested_non_negative"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="report_month_range"),
        ]
        indexes = [
            models.Index(fields=["year", "month", "status"], name="report_period_status"),
        ]

    def __str__(self):
        return f"{self.project} {self.year}年{self.month}月"

    @property
    def period(self) -> int:
        return self.year * 100 + self.month

    @property
    def returned_unchanged(self) -> bool:
        """Returned and not changed since (every save moves `version`). 全部提交 leaves it returned."""
        return self.status == ReportStatus.RETURNED and self.returned_version == self.version


class ReportRevision(models.Model):
    """A frozen copy of a report each time it is approved; corrections add new ones."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="revisions")
    # Copied from the report so the figures layer sums revisions without joining reports.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    revision = models.PositiveSmallIntegerField("版本")
    invested = models.DecimalField("本月完成投资（万元）", max_digits=14, decimal_places=2)
    image_progress = models.TextField("形象进度", blank=True)
    percent_complete = models.DecimalField(
        "完成比例（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    problems = models.TextField("存在问题", blank=True)
    explanation = models.CharField("超出说明", max_length=500, blank=True)
    correction_reason = models.CharField("更正原因", max_length=500, blank=True)
    approved_at = models.DateTimeField("审核时间", default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the next approved revision replaced this one (null: still in force). The approved basis
    # "as of" a moment is the revisions approved by then and not yet superseded then.
    superseded_at = models.DateTimeField("被更正时间", null=True, blank=True)

    class Meta:
        db_table = "projects_reportrevision"
        verbose_name = "月度进展版本"
        verbose_name_plural = "月度进展版本"
        ordering = ["report", "revision"]
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="revision_unique")]
        indexes = [
            models.Index(fields=["year", "month", "project"], name="revision_period_project"),
            # The values in force, with the amount in the index: the figures layer's scans of a year's
            # approved values (dashboards, rankings) read this index alone (an index-only scan) instead of
            # the wide revision rows.
            models.Index(
                fields=["year", "month", "project", "invested"],
                condition=models.Q(superseded_at__isnull=True),
                name="revision_in_force",
            ),
            # …and by project first, for the figures of a county's or a department's projects.
            models.Index(
                fields=["project", "year", "month", "invested"],
                condition=models.Q(superseded_at__isnull=True),
                name="revision_in_force_by_project",
            ),
        ]

    def __str__(self):
        return f"{self.report} 第{self.revision}版"


def report_photo_path(instance, filename):
    return (
        f"reports/{instance.report.project_id}/{instance.report.year}{instance.report.month:02d}/{filename}"
    )


class ReportPhoto(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("现场照片", upload_to=report_photo_path)
    thumbnail = models.ImageField("缩略图", upload_to=report_photo_path, blank=True)
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "projects_reportphoto"
        verbose_name = "现场照片"
        verbose_name_plural = "现场照片"
        ordering = ["report", "uploaded_at"]

    def __str__(self):
        return self.caption or self.image.name
