from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RESERVE = "reserve", _("储备")
    PREWORK = "prework", _("前期")
    CONSTRUCTION = "construction", _("在建")
    COMPLETED = "completed", _("竣工")
    OPERATION = "operation", _("投产")
    SUSPENDED = "suspended", _("暂停")
    CANCELLED = "cancelled", _("终止")


# The main line, in order. Moving one step forward is an ordinary transition; skipping steps
# or moving back needs the task-force office and a reason (DOMAIN §2).
STAGE_ORDER = [Stage.RESERVE, Stage.PREWORK, Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATION]
# Date a project must carry to enter a stage.
STAGE_REQUIRED_DATE = {
    Stage.CONSTRUCTION: ("actual_start", "实际开工日期"),
    Stage.COMPLETED: ("actual_completion", "实际竣工日期"),
    Stage.OPERATION: ("operation_date", "投产日期"),
}


class Nature(models.TextChoices):
    NEW = "new", _("新建")
    CONTINUING = "continuing", _("续建")
    EXPANSION = "expansion", _("改扩建")
    OTHER = "other", _("其他")


class Industry(models.TextChoices):
    INDUSTRY = "industry", _("工业")
    ENERGY = "energy", _("能源")
    TRANSPORT = "transport", _("交通")
    WATER = "water", _("水利")
    URBAN = "urban", _("城建")
    SOCIAL = "social", _("社会民生")
    AGRICULTURE = "agriculture", _("农业")
    TOURISM = "tourism", _("文旅")
    SERVICE = "service", _("服务业")
    OTHER = "other", _("其他")


class KeyLevel(models.TextChoices):
    NONE = "", _("无")
    PROVINCE_PROVINCE = "province", _("省级重点（省定省管）")
    PROVINCE_CITY = "province_city", _("省级重点（省定市管）")
    CITY = "city", _("市级重点")
    COUNTY = "county", _("县级重点")


class ApprovalLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


class ApprovalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("办理中")
    DONE = "done", _("已办结")
    NOT_APPLICABLE = "not_applicable", _("不涉及")


class ImportKind(models.TextChoices):
    LEDGER = "ledger", _("项目台账")
    MONTHLY = "monthly", _("月度进展")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    COMMITTED = "committed", _("已导入")
    REJECTED = "rejected", _("有错误")
