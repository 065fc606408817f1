from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..choices import ApprovalLevel, ApprovalStatus, Industry, KeyLevel, Nature, Stage
from ..validators import validate_credit_code, validate_project_code

ZERO = Decimal("0.00")
NON_NEGATIVE = [MinValueValidator(ZERO, message="金额不能为负数。")]


def money(verbose_name, **kwargs):
    """万元 with two decimals, never negative."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, validators=NON_NEGATIVE, **kwargs
    )


# The funding breakdown (资金来源) in display order; together they must equal total_investment.
FUNDING_FIELDS = [
    ("fund_central_budget", "中央预算内投资"),
    ("fund_special_bond", "地方政府专项债"),
    ("fund_ultra_long_bond", "超长期特别国债"),
    ("fund_provincial", "省级资金"),
    ("fund_local_fiscal", "市县财政"),
    ("fund_bank_loan", "银行贷款"),
    ("fund_self_raised", "企业自筹"),
    ("fund_other", "其他"),
]

# Classification flags (DOMAIN §2) in display order.
FLAG_FIELDS = [
    ("is_industry_project", "产业项目"),
    ("is_industrial", "工业项目"),
    ("is_private", "民间投资"),
    ("is_high_tech", "高技术产业"),
    ("is_transformation", "转型项目"),
    ("is_six_new", "六新"),
    ("is_two_new_one_heavy", "两新一重"),
    ("is_investment_attraction", "招商引资签约项目"),
    ("is_ppp", "PPP/特许经营"),
]


class Leader(models.Model):
    """A 包联 leader: "一个项目、一位领导、一套班子、一抓到底"."""

    name = models.CharField("姓名", max_length=30)
    title = models.CharField("职务", max_length=60, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="所属层级", on_delete=models.PROTECT, related_name="leaders"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="平台账号", null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField("在任", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "包联领导"
        verbose_name_plural = "包联领导"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="leader_unique_per_org")]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class Project(models.Model):
    # identity
    code = models.CharField(
        "项目代码",
        max_length=24,
        blank=True,
        validators=[validate_project_code],
        help_text="投资项目在线审批监管平台赋码，如 2503-140525-04-01-123456；前期阶段前可暂缺。",
    )
    name = models.CharField("项目名称", max_length=200)
    content = models.TextField("建设规模及内容", blank=True)
    nature = models.CharField("建设性质", max_length=20, choices=Nature.choices, default=Nature.NEW)
    # location
    county = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="县（市、区）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    town = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="乡镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField("建设地点", max_length=200, blank=True)
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    # who
    construction_unit = models.CharField("建设单位", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, db_index=True, validators=[validate_credit_code]
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="建设单位（平台账号）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporting_unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="负责每月填报进展的单位，默认为所在县（市、区）。",
    )
    manager = models.CharField("项目负责人", max_length=50, blank=True)
    manager_phone = models.CharField("联系电话", max_length=30, blank=True)
    # classification
    industry = models.CharField("行业类别", max_length=20, choices=Industry.choices, default=Industry.OTHER)
    is_industry_project = models.BooleanField("产业项目", default=False)
    is_industrial = models.BooleanField("工业项目", default=False)
    is_private = models.BooleanField("民间投资", default=False)
    is_high_tech = models.BooleanField("高技术产业", default=False)
    is_transformation = models.BooleanField("转型项目", default=False)
    is_six_new = models.BooleanField("六新", default=False)
    is_two_new_one_heavy = models.BooleanField("两新一重", default=False)
    is_investment_attraction = models.BooleanField("招商引资签约项目", default=False)
    signing_date = models.DateField("签约日期", null=True, blank=True)
    is_ppp = models.BooleanField("PPP/特许经营", default=False)
    key_level = models.CharField(
        "重点项目级别", max_length=20, choices=KeyLevel.choices, default="", blank=True
    )
    liaison_leader = models.ForeignKey(
        Leader,
        verbose_name="包联领导",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    liaison_leader_name = models.CharField(
        "包联领导（原文）",
        max_length=50,
        blank=True,
        help_text="台账中的包联领导姓名，未匹配到领导库时保留原文。",
    )
    # money (万元)
    total_investment = money("总投资（万元）")
    fund_central_budget = money("中央预算内投资")
    fund_special_bond = money("地方政府专项债")
    fund_ultra_long_bond = money("超长期特别国债")
    fund_provincial = money("省级资金")
    fund_local_fiscal = money("市县财政")
    fund_bank_loan = money("银行贷款")
    fund_self_raised = money("企业自筹")
    fund_other = money("其他资金")
    # lifecycle
    stage = models.CharField(
        "阶段", max_length=20, choices=Stage.choices, default=Stage.RESERVE, db_index=True
    )
    stage_before_suspension = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    stage_reason = models.CharField("暂停/终止原因", max_length=500, blank=True)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_completion = models.DateField("计划竣工日期", null=True, blank=True)
    actual_start = models.DateField("实际开工日期", null=True, blank=True)
    actual_completion = models.DateField("实际竣工日期", null=True, blank=True)
    operation_date = models.DateField("投产日期", null=True, blank=True)
    # bookkeeping
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="project_unique_code"),
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_total_non_negative"),
        ]
        indexes = [
            models.Index(fields=["county", "stage"], name="project_county_stage"),
            models.Index(fields=["department", "stage"], name="project_dept_stage"),
            models.Index(fields=["reporting_unit", "stage"], name="project_unit_stage"),
            models.Index(fields=["name", "construction_unit"], name="project_name_unit"),
            # The office's list sums every project's 总投资 and sorts by it: read from this narrow
            # index instead of walking every wide row to its column (9 ms → 2 ms at 20,000).
            models.Index(fields=["total_investment"], name="project_total_investment"),
        ]

    def __str__(self):
        return self.name

    @property
    def funding_total(self) -> Decimal:
        return sum((getattr(self, f) or ZERO for f, _ in FUNDING_FIELDS), ZERO)

    @property
    def funding_breakdown(self):
        return [(label, getattr(self, f)) for f, label in FUNDING_FIELDS]

    @property
    def flags(self):
        return [label for f, label in FLAG_FIELDS if getattr(self, f)]

    def clean(self):
        errors = {}
        if (
            self.funding_total
            and self.total_investment is not None
            and self.funding_total != self.total_investment
        ):
            errors["total_investment"] = (
                f"资金来源合计 {self.funding_total} 万元与总投资 {self.total_investment} 万元不一致。"
            )
        pairs = [
            ("planned_completion", "planned_start", "计划竣工日期不能早于计划开工日期。"),
            ("actual_completion", "actual_start", "实际竣工日期不能早于实际开工日期。"),
            ("operation_date", "actual_completion", "投产日期不能早于实际竣工日期。"),
        ]
        for later, earlier, message in pairs:
            a, b = getattr(self, later), getattr(self, earlier)
            if a and b and a < b:
                errors[later] = message
        today = timezone.localdate()
        for f in ("actual_start", "actual_completion", "operation_date"):
            value = getattr(self, f)
            if value and value > today:
                errors[f] = "实际日期不能晚于今天。"
        if self.town_id and self.county_id and self.town.parent_id != self.county_id:
            errors["town"] = "所选乡镇不属于该县（市、区）。"
        if self.is_investment_attraction is False and self.signing_date:
            errors["signing_date"] = "仅招商引资签约项目填写签约日期。"
        if errors:
            raise ValidationError(errors)


class AnnualPlan(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="annual_plans"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_investment = money("年度计划投资（万元）")
    is_new = models.BooleanField("当年新开工", default=False, help_text="否则为续建。")
    planned_start_month = models.PositiveSmallIntegerField(
        "计划开工月份", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    completes_this_year = models.BooleanField("计划当年竣工", default=False)
    milestones = models.TextField("关键节点", blank=True)

    class Meta:
        verbose_name = "年度计划"
        verbose_name_plural = "年度计划"
        ordering = ["project", "-year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="plan_unique_project_year")]
        indexes = [models.Index(fields=["year", "project"], name="plan_year_project")]

    def __str__(self):
        return f"{self.project} {self.year}年计划"

    def clean(self):
        if self.is_new and not self.planned_start_month:
            raise ValidationError({"planned_start_month": "新开工项目须填写计划开工月份。"})
        if not self.is_new and self.planned_start_month:
            raise ValidationError({"planned_start_month": "续建项目不填写计划开工月份。"})


class ApprovalKind(models.Model):
    """A configurable kind of pre-work approval (立项、规划选址、环评 …)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "前期手续类型"
        verbose_name_plural = "前期手续类型"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Approval(models.Model):
    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="approvals"
    )
    kind = models.ForeignKey(ApprovalKind, verbose_name="手续", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(
        "审批层级", max_length=20, choices=ApprovalLevel.choices, default=ApprovalLevel.COUNTY
    )
    status = models.CharField(
        "办理状态", max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.NOT_STARTED
    )
    planned_date = models.DateField("计划办结日期", null=True, blank=True)
    actual_date = models.DateField("实际办结日期", null=True, blank=True)
    responsible_leader = models.CharField("责任领导", max_length=50, blank=True)
    handler = models.CharField("承办人", max_length=50, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = "前期手续"
        verbose_name_plural = "前期手续"
        ordering = ["project", "kind__sort_order"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="approval_unique_kind")]

    def __str__(self):
        return f"{self.project} · {self.kind}"

    def clean(self):
        if self.status == ApprovalStatus.DONE and not self.actual_date:
            raise ValidationError({"actual_date": "已办结的手续须填写实际办结日期。"})
        if self.actual_date and self.status != ApprovalStatus.DONE:
            raise ValidationError({"status": "填写了实际办结日期的手续，状态应为“已办结”。"})
        if self.actual_date and self.actual_date > timezone.localdate():
            raise ValidationError({"actual_date": "实际办结日期不能晚于今天。"})


class StageChange(models.Model):
    """History row of the lifecycle: who moved the project, when, from, to, and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.CharField("原因", max_length=500, blank=True)
    # The day the new stage took effect (a start entered late carries its real start date) and
    # the day another row took over; `projects.history` reads the stage on any day from them.
    effective_date = models.DateField("生效日期", default=timezone.localdate)
    ended_on = models.DateField("截止日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "阶段变更"
        verbose_name_plural = "阶段变更"
        ordering = ["project", "at", "id"]
        indexes = [
            models.Index(fields=["project", "to_stage", "effective_date"], name="stagechange_project_stage"),
        ]

    def __str__(self):
        return f"{self.project}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"
