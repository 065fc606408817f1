"""The demo's dashboards: approximate area outlines for the offline map, the year's targets (the
Jincheng 2025 figures of seed 000 scaled to each area), the 赛马 schemes, published rankings and
bulletins — so a leader opening the demo finds October's dashboard, ranking, map and bulletin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from accounts.models import Organisation, User
from dashboards import services
from dashboards.bulletins import AREA_TEMPLATE, CITY_TEMPLATE
from dashboards.choices import Audience, RacePeriod
from dashboards.models import AreaOutline, Bulletin, BulletinTemplate, RacePublication
from projects.periods import default_period

from .geography import AREAS, CITY_DIVISION

D = Decimal


def _rectangle(bbox) -> dict:
    south, north, west, east = bbox
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def build_outlines() -> int:
    """Each area's bounding box as its outline: an approximation, labelled so (the admin loads real
    GeoJSON with `manage.py load_outlines`)."""
    orgs = {
        o.division_code: o
        for o in Organisation.objects.filter(division_code__in=[a.division_code for a in AREAS])
    }
    count = 0
    for area in AREAS:
        org = orgs.get(area.division_code)
        if org is None:
            continue
        AreaOutline.objects.update_or_create(
            organisation=org,
            defaults={"geometry": _rectangle(area.bbox), "source": "示意边界（演示数据，按区域范围框绘制）"},
        )
        count += 1
    return count


def build_targets(office: User, year: int) -> int:
    """Seed 000 (Jincheng 2025): 823亿元 +7%, industrial +8%, private share +1 point, high-tech +10%,
    1561 projects and 860亿元 plan, 486 key projects; Q1 40% / H1 80% / Q3 100% new starts, every
    continuing project resumed in Q1; reserve ≥ 5×, conversion ≥ 30%. Areas get their share."""
    city = Organisation.objects.get(division_code=CITY_DIVISION, kind="city")
    common = {
        "fai_growth": D("7"),
        "industrial_growth": D("8"),
        "private_share_change": D("1"),
        "high_tech_growth": D("10"),
        "start_q1": D("40"),
        "start_h1": D("80"),
        "start_q3": D("100"),
        "resume_q1": D("100"),
        "reserve_multiple": D("5"),
        "reserve_conversion": D("30"),
    }

    def scaled(share: float) -> dict:
        return {
            "fai_amount": D(int(8_230_000 * share)),
            "project_count": int(1561 * share),
            "project_plan": D(int(8_600_000 * share)),
            "key_count": int(486 * share),
            "key_plan": D(int(6_000_000 * share)),
            "planning_count": int(600 * share),
            "planning_amount": D(int(30_000_000 * share)),
        }

    services.target_save(actor=office, year=year, organisation=city, values={**common, **scaled(1.0)})
    orgs = {
        o.division_code: o
        for o in Organisation.objects.filter(division_code__in=[a.division_code for a in AREAS])
    }
    for area in AREAS:
        if area.division_code in orgs:
            services.target_save(
                actor=office,
                year=year,
                organisation=orgs[area.division_code],
                values={**common, **scaled(area.weight)},
            )
    return 1 + len(orgs)


def build_dashboards(*, today: dt.date) -> dict[str, int]:
    office = User.objects.get(username="office")
    year, month = default_period(today)
    # A rebuilt city (--force) gets new rankings and bulletins: the old ones counted other projects.
    RacePublication.objects.all().delete()
    Bulletin.objects.all().delete()
    outlines = build_outlines()
    targets = build_targets(office, year)
    for audience in Audience.values:
        services.race_scheme_ensure(actor=office, year=year, audience=audience)
    BulletinTemplate.objects.get_or_create(
        name="全市月度通报", defaults={"body": CITY_TEMPLATE, "for_city": True}
    )
    BulletinTemplate.objects.get_or_create(
        name="县（市、区）月度通报", defaults={"body": AREA_TEMPLATE, "for_city": False}
    )
    published = 0
    # 一月晾晒: the last two months published (the latest is what counties see); 双月赛马: the last
    # even month before, so the office finds the current bimonthly period as a preview to publish.
    for m in (month - 1, month):
        if m >= 1:
            services.ranking_publish(
                actor=office, year=year, month=m, period=RacePeriod.MONTHLY, audience=Audience.AREAS
            )
            published += 1
    services.ranking_publish(
        actor=office, year=year, month=month, period=RacePeriod.MONTHLY, audience=Audience.DEPARTMENTS
    )
    last_even = month if month % 2 == 0 else month - 1
    if last_even - 2 >= 2:
        services.ranking_publish(
            actor=office, year=year, month=last_even - 2, period=RacePeriod.BIMONTHLY, audience=Audience.AREAS
        )
        published += 1
    bulletins = 0
    if month > 1:
        earlier = services.bulletin_create(actor=office, year=year, month=month - 1)
        services.bulletin_publish(actor=office, bulletin=earlier)
        bulletins += 1
    current = services.bulletin_create(actor=office, year=year, month=month)
    services.bulletin_publish(actor=office, bulletin=current)
    zezhou = Organisation.objects.filter(division_code="140525").first()
    if zezhou is not None:
        services.bulletin_create(actor=office, year=year, month=month, area=zezhou)  # a draft to edit
    bulletins += 2
    return {
        "outlines": outlines,
        "targets": targets,
        "rankings": published + 1,
        "bulletins": Bulletin.objects.count() or bulletins,
    }
