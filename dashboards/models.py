"""What the office keeps for the leaders' dashboards: targets, the 赛马 scheme and its published
periods, the bulletin (通报) templates and issues, and the areas' map outlines. Figures are never
stored here except in a *published* ranking or bulletin, frozen as of its cut-off."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .choices import Audience, BulletinStatus, Dimension, Method, RacePeriod

YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


def _amount(label):
    return models.DecimalField(label, max_digits=14, decimal_places=2, null=True, blank=True)


def _pct(label):
    return models.DecimalField(label, max_digits=7, decimal_places=2, null=True, blank=True)


class Target(models.Model):
    """One year's targets of one area (the city, a county, the zone) or department (DOMAIN §4)."""

    year = models.PositiveSmallIntegerField("年度", validators=YEAR)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="地区/部门", on_delete=models.CASCADE, related_name="+"
    )
    fai_amount = _amount("固定资产投资目标（万元）")
    fai_growth = _pct("固定资产投资增速目标（%）")
    industrial_growth = _pct("工业投资增速目标（%）")
    private_share_change = _pct("民间投资占比提高（百分点）")
    high_tech_growth = _pct("高技术产业投资增速目标（%）")
    project_count = models.PositiveIntegerField("项目个数", null=True, blank=True)
    project_plan = _amount("年度计划投资（万元）")
    key_count = models.PositiveIntegerField("重点项目个数", null=True, blank=True)
    key_plan = _amount("重点项目年度计划投资（万元）")
    start_q1 = _pct("一季度新开工目标（%）")
    start_h1 = _pct("上半年新开工目标（%）")
    start_q3 = _pct("前三季度新开工目标（%）")
    resume_q1 = _pct("一季度续建复工目标（%）")
    reserve_multiple = models.DecimalField(
        "储备总投资倍数目标", max_digits=5, decimal_places=2, null=True, blank=True, default=Decimal("5")
    )
    reserve_conversion = _pct("储备转化率目标（%）")
    planning_count = models.PositiveIntegerField("谋划项目个数目标", null=True, blank=True)
    planning_amount = _amount("谋划项目总投资目标（万元）")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["year", "organisation__sort_order", "organisation_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "organisation"], name="target_unique_year_org")
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}年目标"


# The fields the page, the Excel upload and the API read and write, in display order.
TARGET_FIELDS = [
    f.name for f in Target._meta.concrete_fields if f.name not in ("id", "year", "organisation", "updated_at")
]


class RaceScheme(models.Model):
    """The office's 赛马 scoring scheme for one year and one audience."""

    year = models.PositiveSmallIntegerField("年度", validators=YEAR)
    audience = models.CharField("参赛对象", max_length=20, choices=Audience.choices, default=Audience.AREAS)
    name = models.CharField("名称", max_length=100)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "赛马计分办法"
        verbose_name_plural = "赛马计分办法"
        ordering = ["-year", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["year", "audience"], name="scheme_unique_year_audience")
        ]

    def __str__(self):
        return self.name


class RaceIndicator(models.Model):
    scheme = models.ForeignKey(RaceScheme, on_delete=models.CASCADE, related_name="indicators")
    dimension = models.CharField("维度", max_length=20, choices=Dimension.choices)
    code = models.CharField("指标", max_length=40)  # a key of reporting.measures.INDICATORS
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2)
    method = models.CharField("计分方式", max_length=20, choices=Method.choices, default=Method.RANK)
    floor = models.DecimalField("保底值", max_digits=10, decimal_places=2, null=True, blank=True)
    target = models.DecimalField("目标值", max_digits=10, decimal_places=2, null=True, blank=True)
    thresholds = models.JSONField(
        "分档", default=list, blank=True, help_text="[[不低于, 得分], …]，如 [[30, 10], [20, 5]]"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "赛马指标"
        verbose_name_plural = "赛马指标"
        ordering = ["scheme", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="indicator_unique_code")]

    def __str__(self):
        return f"{self.scheme} · {self.code}"


class RacePublication(models.Model):
    """A period's ranking as the office published it: frozen as of its cut-off, for everyone to read."""

    scheme = models.ForeignKey(RaceScheme, on_delete=models.PROTECT, related_name="publications")
    period = models.CharField("赛马周期", max_length=20, choices=RacePeriod.choices)
    year = models.PositiveSmallIntegerField("年度", validators=YEAR)
    month = models.PositiveSmallIntegerField(
        "截至月份", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    as_of = models.DateTimeField("数据截止时间")
    result = models.JSONField("排名结果", default=dict)
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "赛马排名发布"
        verbose_name_plural = "赛马排名发布"
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "period", "year", "month"], name="race_unique_period")
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月 {self.get_period_display()}"


class BulletinTemplate(models.Model):
    """The office's wording of a bulletin: prose with figure markers `[[code]]` (see dashboards.bulletins)."""

    name = models.CharField("名称", max_length=100)
    for_city = models.BooleanField("用于全市通报", default=True, help_text="否则用于县（市、区）通报。")
    body = models.TextField("正文模板")
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "通报模板"
        verbose_name_plural = "通报模板"
        ordering = ["-is_active", "id"]

    def __str__(self):
        return self.name


class Bulletin(models.Model):
    """One month's bulletin of one area (None: the whole city). The office edits the prose (figure
    markers stay), then publishes: the figures are frozen as of that moment."""

    year = models.PositiveSmallIntegerField("年度", validators=YEAR)
    month = models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    area = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    status = models.CharField(
        "状态", max_length=20, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    figures = models.JSONField("发布时的数据", default=dict, blank=True)
    as_of = models.DateTimeField("数据截止时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-year", "-month", "-id"]

    def __str__(self):
        return self.title


class AreaOutline(models.Model):
    """An area's outline for the offline map: GeoJSON (Polygon/MultiPolygon, WGS84) the admin loads."""

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name="地区", on_delete=models.CASCADE, related_name="outline"
    )
    geometry = models.JSONField("边界（GeoJSON）")
    source = models.CharField("来源", max_length=200, blank=True, help_text="如：示意边界（演示数据）")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "地区边界"
        verbose_name_plural = "地区边界"

    def __str__(self):
        return f"{self.organisation} 边界"
