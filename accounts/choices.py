from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    DISTRICT = "district", _("区")
    COUNTY_CITY = "county_city", _("县级市")
    ZONE = "zone", _("开发区")
    TOWN = "town", _("乡镇（街道）")
    DEPARTMENT = "department", _("部门")
    ENTERPRISE = "enterprise", _("企业")


# Kinds that locate a project (县级 areas); a project's `county` is one of these or the city itself.
AREA_KINDS = (OrgKind.COUNTY, OrgKind.DISTRICT, OrgKind.COUNTY_CITY, OrgKind.ZONE)


class RoleCode(models.TextChoices):
    REPORTER = "reporter", _("填报员")
    REVIEWER = "reviewer", _("审核员")
    OFFICE = "office", _("专班办公室")
    LEADER = "leader", _("领导")
    STATISTICS = "statistics", _("统计局")
    ADMIN = "admin", _("管理员")


# Roles that see every project; leader and statistics only read project data.
CITYWIDE_ROLES = frozenset({RoleCode.OFFICE, RoleCode.LEADER, RoleCode.STATISTICS, RoleCode.ADMIN})
READ_ONLY_ROLES = frozenset({RoleCode.LEADER, RoleCode.STATISTICS})


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("阶段变更")
    IMPORT = "import", _("导入")
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    CORRECT = "correct", _("更正")
    DISPATCH = "dispatch", _("手动调度")
