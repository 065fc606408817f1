from django.db import models
from django.utils.translation import gettext_lazy as _


class InclusionStatus(models.TextChoices):
    PENDING = "pending", _("待申报")
    DECLARED = "declared", _("已申报")
    INCLUDED = "included", _("已入库")
    RETURNED = "returned", _("退回")


# Allowed moves (DOMAIN §8: 待申报 → 已申报 → 已入库 / 退回). A returned project is declared again once
# fixed, or set back to 待申报; an inclusion entered by mistake is withdrawn to 已申报 with a reason.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    InclusionStatus.PENDING: (InclusionStatus.DECLARED,),
    InclusionStatus.DECLARED: (InclusionStatus.INCLUDED, InclusionStatus.RETURNED, InclusionStatus.PENDING),
    InclusionStatus.RETURNED: (InclusionStatus.DECLARED, InclusionStatus.PENDING),
    InclusionStatus.INCLUDED: (InclusionStatus.DECLARED,),
}
# Moves that need a reason in words.
REASON_REQUIRED = {
    (InclusionStatus.DECLARED, InclusionStatus.RETURNED),
    (InclusionStatus.INCLUDED, InclusionStatus.DECLARED),
}
NOT_INCLUDED = (InclusionStatus.PENDING, InclusionStatus.DECLARED, InclusionStatus.RETURNED)


class RuleKind(models.TextChoices):
    MIN_INVESTMENT = "min_investment", _("计划总投资达到起点")
    STARTED = "started", _("已实际开工")
    LEGAL_ENTITY = "legal_entity", _("建设单位为法人单位")
    IN_DIRECTORY = "in_directory", _("建设单位在名录库中")
    EVIDENCE = "evidence", _("佐证资料")


class RuleGroup(models.TextChoices):
    """Eligibility makes a project one that should be included (应入); readiness is what it needs
    before the bureau can declare it (what it "still lacks")."""

    ELIGIBILITY = "eligibility", _("入库条件")
    READINESS = "readiness", _("申报材料")


RULE_GROUP = {
    RuleKind.MIN_INVESTMENT: RuleGroup.ELIGIBILITY,
    RuleKind.STARTED: RuleGroup.ELIGIBILITY,
    RuleKind.LEGAL_ENTITY: RuleGroup.READINESS,
    RuleKind.IN_DIRECTORY: RuleGroup.READINESS,
    RuleKind.EVIDENCE: RuleGroup.READINESS,
}


class UploadKind(models.TextChoices):
    DIRECTORY = "directory", _("名录库")
    STATUS = "status", _("入库状态")


class UploadStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    COMMITTED = "committed", _("已导入")
    REJECTED = "rejected", _("有错误")


class ExportKind(models.TextChoices):
    SCREENING = "screening", _("入库纳统筛选清单")
    INCLUDED = "included", _("已入库项目清单（分县区）")
    INVESTMENT = "investment", _("分县区、分部门固定资产投资完成情况")
    PROGRESS = "progress", _("分县区入库纳统进度")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
