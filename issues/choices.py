"""Statuses, kinds and the allowed moves of tracked matters (problem tickets and meeting decisions)."""

from django.db import models


class MatterKind(models.TextChoices):
    PROBLEM = "problem", "问题"
    DECISION = "decision", "议定事项"


class Category(models.TextChoices):
    PROCEDURES = "procedures", "手续办理"
    LAND_CLEARANCE = "land_clearance", "征地拆迁"
    FINANCING = "financing", "资金融资"
    LAND_USE = "land_use", "用地"
    ENERGY = "energy", "用能"
    ENVIRONMENT = "environment", "环境容量"
    UTILITIES = "utilities", "水电气暖配套"
    SITE = "site", "施工环境/阻工"
    LABOUR = "labour", "招工用人"
    OTHER = "other", "其他"


# Working days to solve a ticket outside the 13710 track, per category, until the office edits them.
DEFAULT_CATEGORY_DAYS = {
    Category.PROCEDURES: 15,
    Category.LAND_CLEARANCE: 30,
    Category.FINANCING: 20,
    Category.LAND_USE: 30,
    Category.ENERGY: 20,
    Category.ENVIRONMENT: 20,
    Category.UTILITIES: 15,
    Category.SITE: 5,
    Category.LABOUR: 10,
    Category.OTHER: 15,
}


class Source(models.TextChoices):
    SITE_VISIT = "site_visit", "现场督导"
    MEETING = "meeting", "调度会"
    COUNTY = "county", "县区上报"
    ENTERPRISE = "enterprise", "企业反映"
    SWEEP = "sweep", "大起底"


class AuthorityLevel(models.TextChoices):
    COUNTY = "county", "县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"


AUTHORITY_ORDER = [AuthorityLevel.COUNTY, AuthorityLevel.CITY, AuthorityLevel.PROVINCE]


class Priority(models.TextChoices):
    NORMAL = "normal", "一般"
    HIGH = "high", "较急"
    URGENT = "urgent", "紧急"


class Complexity(models.TextChoices):
    ORDINARY = "ordinary", "一般"
    MAJOR = "major", "重大复杂"


class State(models.TextChoices):
    FOUND = "found", "已发现"
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "办理中"
    PENDING_VISIT = "pending_visit", "待回访"
    CLOSED = "closed", "已销号"
    SUSPENDED = "suspended", "挂起"


OPEN_STATES = (State.FOUND, State.ASSIGNED, State.HANDLING, State.PENDING_VISIT, State.SUSPENDED)
# States in which the handling unit owes work (the clock runs).
WORKING_STATES = (State.ASSIGNED, State.HANDLING)


class Supervision(models.IntegerChoices):
    """督办 levels, one step up at a time (DOMAIN §6)."""

    NONE = 0, "未督办"
    OFFICE = 1, "专班办公室督办"
    VICE_MAYOR = 2, "分管副市长督办"
    EXECUTIVE = 3, "常务副市长督办"
    MAYOR = 4, "市长督办"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    FAIRLY = "fairly", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


SATISFIED_ANSWERS = (Satisfaction.SATISFIED, Satisfaction.FAIRLY)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class CheckpointKind(models.TextChoices):
    """The 13710 clock: 1 signed for and started, 3 feedback, 7 solved (重大复杂: one month or a
    timetable), 0 struck off; plus dated milestones and periodic progress reports."""

    SIGN = "sign", "1日内签收部署"
    FEEDBACK = "feedback", "3日内反馈进展"
    SOLVE = "solve", "限期办结"
    MILESTONE = "milestone", "时间表节点"
    PROGRESS = "progress", "定期报告进展"
    CLOSE = "close", "销号清零"


class CheckpointStatus(models.TextChoices):
    PENDING = "pending", "未到期"
    MET = "met", "按期完成"
    MISSED = "missed", "逾期"
    WAIVED = "waived", "不再适用"


class Action(models.TextChoices):
    """Every step of a matter's life; each is one `TicketEvent`."""

    CREATE = "create", "发现登记"
    ASSIGN = "assign", "交办"
    SIGN = "sign", "签收"
    PROGRESS = "progress", "反馈进展"
    TIMETABLE = "timetable", "制定时间表"
    REPORT_SOLVED = "report_solved", "申请销号"
    RETURN = "return", "退回重办"
    VISIT = "visit", "回访"
    CLOSE = "close", "销号"
    SUSPEND = "suspend", "挂起"
    RESUME = "resume", "恢复办理"
    HAND_UP = "hand_up", "提级办理"
    SUPERVISE = "supervise", "督办"
    CHECKPOINT_MISSED = "checkpoint_missed", "节点逾期"


# Which states each action may start from (the service also checks the role).
ACTION_FROM = {
    Action.ASSIGN: (State.FOUND,),
    Action.SIGN: (State.ASSIGNED,),
    Action.PROGRESS: (State.ASSIGNED, State.HANDLING, State.SUSPENDED),
    Action.TIMETABLE: (State.HANDLING,),
    Action.REPORT_SOLVED: (State.HANDLING,),
    Action.RETURN: (State.PENDING_VISIT,),
    Action.VISIT: (State.PENDING_VISIT,),
    Action.CLOSE: (State.PENDING_VISIT,),
    Action.SUSPEND: (State.ASSIGNED, State.HANDLING),
    Action.RESUME: (State.SUSPENDED,),
    Action.HAND_UP: (State.ASSIGNED, State.HANDLING),
    Action.SUPERVISE: (State.ASSIGNED, State.HANDLING, State.PENDING_VISIT, State.SUSPENDED),
}

# Who may take each action, in words for the refusal message.
ACTION_ROLE_TEXT = {
    Action.ASSIGN: "专班办公室",
    Action.SIGN: "承办单位",
    Action.PROGRESS: "承办单位（含协办单位）或专班办公室",
    Action.TIMETABLE: "承办单位",
    Action.REPORT_SOLVED: "承办单位",
    Action.RETURN: "专班办公室",
    Action.VISIT: "专班办公室",
    Action.CLOSE: "专班办公室",
    Action.SUSPEND: "专班办公室",
    Action.RESUME: "专班办公室",
    Action.HAND_UP: "承办单位或专班办公室",
    Action.SUPERVISE: "专班办公室",
}


class MeetingLevel(models.TextChoices):
    """四级调度 (seed 001)."""

    OFFICE = "office", "专班办公室调度"
    VICE_MAYOR = "vice_mayor", "分管副市长调度"
    EXECUTIVE = "executive", "常务副市长专题调度"
    MAYOR = "mayor", "市长顶格调度"


# Decisions of the mayor's and vice mayors' meetings run on the 13710 clock (督考一体).
CLOCK_MEETING_LEVELS = (MeetingLevel.VICE_MAYOR, MeetingLevel.EXECUTIVE, MeetingLevel.MAYOR)
