from django.db import models


class OrgKind(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县"
    DISTRICT = "district", "区"
    COUNTY_CITY = "county_city", "县级市"
    ZONE = "zone", "开发区"
    TOWN = "town", "乡镇（街道）"
    DEPARTMENT = "department", "部门"
    ENTERPRISE = "enterprise", "企业"


# Kinds that locate a project (县级 areas); a project's `county` is one of these or the city itself.
AREA_KINDS = (OrgKind.COUNTY, OrgKind.DISTRICT, OrgKind.COUNTY_CITY, OrgKind.ZONE)
TERRITORIAL_KINDS = (OrgKind.CITY, *AREA_KINDS, OrgKind.TOWN)


class RoleCode(models.TextChoices):
    REPORTER = "reporter", "填报员"
    REVIEWER = "reviewer", "审核员"
    OFFICE = "office", "专班办公室"
    LEADER = "leader", "领导"
    STATISTICS = "statistics", "统计局"
    ADMIN = "admin", "管理员"


# Roles that see every project; leader and statistics only read project data.
CITYWIDE_ROLES = frozenset({RoleCode.OFFICE, RoleCode.LEADER, RoleCode.STATISTICS, RoleCode.ADMIN})
READ_ONLY_ROLES = frozenset({RoleCode.LEADER, RoleCode.STATISTICS})


class AuditAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "阶段变更"
    IMPORT = "import", "导入"
    SUBMIT = "submit", "提交"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回"
    CORRECT = "correct", "更正"
