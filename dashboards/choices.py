from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who races against whom: counties and the zone, or the city departments (for the projects they lead)."""

    AREAS = "areas", _("县（市、区）和开发区")
    DEPARTMENTS = "departments", _("市直部门")


class Dimension(models.TextChoices):
    SCALE = "scale", _("扩大投资规模")
    STRUCTURE = "structure", _("优化投资结构")
    START = "start", _("项目开工入统")
    RESERVE = "reserve", _("项目谋划储备")


class Method(models.TextChoices):
    RANK = "rank", _("按名次计分")
    LINEAR = "linear", _("线性计分（保底值—目标值）")
    THRESHOLD = "threshold", _("分档计分")


class RacePeriod(models.TextChoices):
    MONTHLY = "monthly", _("一月晾晒")
    BIMONTHLY = "bimonthly", _("双月赛马")
    YEARLY = "yearly", _("一年考评")


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
