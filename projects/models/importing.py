from django.conf import settings
from django.db import models
from django.utils import timezone

from ..choices import ImportKind, ImportStatus


class ImportBatch(models.Model):
    """One uploaded Excel file: its preview, then its all-or-nothing commit (who, when, which file).

    The file itself is kept in the database so the preview and the confirm step can run on
    different web processes.
    """

    kind = models.CharField("类型", max_length=20, choices=ImportKind.choices)
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    content = models.BinaryField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_year = models.PositiveSmallIntegerField(null=True, blank=True)
    period_month = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    summary = models.JSONField("结果摘要", default=dict, blank=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name}"
