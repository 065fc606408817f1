from django.db import models


class Stage(models.TextChoices):
    RESERVE = "reserve", "储备"
    PREWORK = "prework", "前期"
    CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    OPERATION = "operation", "投产"
    SUSPENDED = "suspended", "暂停"
    CANCELLED = "cancelled", "终止"


# The main line, in order. Moving one step forward is an ordinary transition; skipping steps
# or moving back needs the task-force office and a reason (DOMAIN §2).
STAGE_ORDER = [Stage.RESERVE, Stage.PREWORK, Stage.CONSTRUCTION, Stage.COMPLETED, Stage.OPERATION]
# Date a project must carry to enter a stage.
STAGE_REQUIRED_DATE = {
    Stage.CONSTRUCTION: ("actual_start", "实际开工日期"),
    Stage.COMPLETED: ("actual_completion", "实际竣工日期"),
    Stage.OPERATION: ("operation_date", "投产日期"),
}
# Stages whose projects must report monthly progress.
REPORTING_STAGES = (Stage.CONSTRUCTION,)


class Nature(models.TextChoices):
    NEW = "new", "新建"
    CONTINUING = "continuing", "续建"
    EXPANSION = "expansion", "改扩建"
    OTHER = "other", "其他"


class Industry(models.TextChoices):
    INDUSTRY = "industry", "工业"
    ENERGY = "energy", "能源"
    TRANSPORT = "transport", "交通"
    WATER = "water", "水利"
    URBAN = "urban", "城建"
    SOCIAL = "social", "社会民生"
    AGRICULTURE = "agriculture", "农业"
    TOURISM = "tourism", "文旅"
    SERVICE = "service", "服务业"
    OTHER = "other", "其他"


class KeyLevel(models.TextChoices):
    NONE = "", "无"
    PROVINCE_PROVINCE = "province", "省级重点（省定省管）"
    PROVINCE_CITY = "province_city", "省级重点（省定市管）"
    CITY = "city", "市级重点"
    COUNTY = "county", "县级重点"


class ApprovalLevel(models.TextChoices):
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"


class ApprovalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    NOT_APPLICABLE = "not_applicable", "不涉及"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


# Workflow of a monthly report: draft → submitted → approved | returned → (edit) → submitted.
REPORT_TRANSITIONS = {
    ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
    ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
    ReportStatus.SUBMITTED: {ReportStatus.APPROVED, ReportStatus.RETURNED},
    ReportStatus.APPROVED: set(),  # locked; a correction opens a new revision
}
EDITABLE_REPORT_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ImportKind(models.TextChoices):
    LEDGER = "ledger", "项目台账"
    MONTHLY = "monthly", "月度进展"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    COMMITTED = "committed", "已导入"
    REJECTED = "rejected", "有错误"
