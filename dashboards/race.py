"""The 赛马 scheme a year starts from until the office changes it (DOMAIN §5: four dimensions)."""

from __future__ import annotations

from decimal import Decimal

from .choices import Audience

D = Decimal

# (dimension, indicator code, weight, method, floor, target, thresholds)
DEFAULT_SCHEMES = {
    Audience.AREAS: [
        ("scale", "vs_time_progress", D("25"), "linear", D("-30"), D("0"), []),
        ("scale", "yoy_rate", D("15"), "rank", None, D("7"), []),
        ("structure", "industrial_share", D("8"), "rank", None, None, []),
        ("structure", "private_share_change", D("6"), "linear", D("-1"), D("1"), []),
        ("structure", "high_tech_yoy", D("6"), "linear", D("0"), D("10"), []),
        ("start", "start_rate", D("10"), "rank", None, None, []),
        ("start", "resume_rate", D("10"), "linear", D("50"), D("100"), []),
        ("start", "inclusion_rate", D("5"), "linear", D("0"), D("100"), []),
        ("reserve", "reserve_multiple", D("8"), "linear", D("0"), D("5"), []),
        ("reserve", "reserve_conversion", D("7"), "threshold", None, D("30"), [[30, 7], [20, 4], [10, 2]]),
    ],
    Audience.DEPARTMENTS: [
        ("scale", "vs_time_progress", D("40"), "linear", D("-30"), D("0"), []),
        ("scale", "yoy_rate", D("20"), "rank", None, None, []),
        ("start", "start_rate", D("20"), "rank", None, None, []),
        ("start", "resume_rate", D("15"), "linear", D("50"), D("100"), []),
        ("start", "inclusion_rate", D("5"), "linear", D("0"), D("100"), []),
    ],
}

SCHEME_NAMES = {
    Audience.AREAS: "县（市、区）抓项目促投资“赛马”计分办法",
    Audience.DEPARTMENTS: "市直部门抓项目“赛马”计分办法",
}
