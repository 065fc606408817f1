"""The 赛马 ranking of a period: live for the office and leaders, as published for everyone else.

Rows are JSON-ready (amounts and points as strings) so a published ranking is stored, shown and
served exactly as it was computed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

from inclusion.selectors import inclusion_counts_by
from projects.periods import month_end
from reporting import figures_cache, measures
from reporting.measures import Rule

from ..choices import Audience, Dimension, RacePeriod
from ..models import RacePublication, RaceScheme, Target
from ..race import DEFAULT_SCHEMES, SCHEME_NAMES
from .scopes import CITY, areas, departments


class PeriodError(ValueError):
    pass


def check_period(period: str, month: int) -> None:
    if period == RacePeriod.BIMONTHLY and month % 2:
        raise PeriodError("双月赛马按双月排名：请选择2、4、6、8、10或12月。")
    if period == RacePeriod.YEARLY and month != 12:
        raise PeriodError("一年考评按全年排名：请选择12月。")


def previous_period(period: str, year: int, month: int) -> tuple[int, int] | None:
    step = {RacePeriod.MONTHLY: 1, RacePeriod.BIMONTHLY: 2}.get(period)
    if step is None or month - step < 1:
        return None
    return year, month - step


def scheme_get(year: int, audience: str) -> RaceScheme | None:
    return RaceScheme.objects.filter(year=year, audience=audience).prefetch_related("indicators").first()


def scheme_rules(year: int, audience: str) -> tuple[str, list[Rule]]:
    """The scheme's name and rules; the default scheme until the office saves one for the year."""
    scheme = scheme_get(year, audience)
    if scheme is not None and scheme.indicators.all():
        rows = [
            (i.dimension, i.code, i.weight, i.method, i.floor, i.target, i.thresholds)
            for i in scheme.indicators.all()
        ]
        name = scheme.name
    else:
        rows, name = DEFAULT_SCHEMES[Audience(audience)], SCHEME_NAMES[Audience(audience)]
    rules = [
        Rule(
            code=code,
            label=measures.INDICATORS[code]["label"],
            dimension=dimension,
            weight=Decimal(weight),
            method=method,
            floor=floor,
            target=target,
            thresholds=tuple(tuple(t) for t in thresholds or ()),
        )
        for dimension, code, weight, method, floor, target, thresholds in rows
        if code in measures.INDICATORS
    ]
    return name, rules


def _s(value) -> str | None:
    return None if value is None else str(value)


def _competitors(audience: str):
    return list(areas() if audience == Audience.AREAS else departments())


def inclusion_day(year: int, month: int, as_of: dt.datetime | None = None) -> dt.date:
    """The day the 入库纳统 indicator reads the bureau's records on: the period's last day, or the
    cut-off's (today's) date if that comes first."""
    limit = timezone.localdate(as_of) if as_of else timezone.localdate()
    return min(month_end(year, month), limit)


def compute_ranking(
    *, year: int, month: int, period: str, audience: str, as_of: dt.datetime | None = None
) -> dict:
    """Score and rank every competitor for the period (see measures.race_scores), JSON-ready."""
    check_period(period, month)
    name, rules = scheme_rules(year, audience)
    orgs = _competitors(audience)
    by = "county" if audience == Audience.AREAS else "department"
    fai = dict(
        Target.objects.filter(year=year, organisation__in=orgs, fai_amount__isnull=False).values_list(
            "organisation_id", "fai_amount"
        )
    )
    inclusion = {}
    if any(rule.code == "inclusion_rate" for rule in rules):
        inclusion = inclusion_counts_by(
            projects=CITY.projects(), by=by, day=inclusion_day(year, month, as_of)
        )
    values = measures.indicator_values(
        projects=CITY.projects(),
        by=by,
        keys=[o.pk for o in orgs],
        year=year,
        month=month,
        as_of=as_of,
        fai_targets=fai,
        inclusion=inclusion,
    )
    scores = measures.race_scores(values, rules)
    names = {o.pk: o.display_name for o in orgs}
    rows = []
    for score in scores:
        rows.append(
            {
                "id": score.key,
                "name": names[score.key],
                "total": str(score.total),
                "rank": score.rank,
                "dimensions": {d: str(p) for d, p in score.dimension_points().items()},
                "lines": [
                    {
                        "code": line.rule.code,
                        "label": str(line.rule.label),
                        "dimension": line.rule.dimension,
                        "weight": str(line.rule.weight),
                        "method": line.rule.method,
                        "value": _s(line.value),
                        "rank": line.rank,
                        "points": str(line.points),
                        "target": _s(line.rule.target),
                        "met": line.met,
                        "drill": measures.INDICATORS[line.rule.code]["drill"],
                    }
                    for line in score.lines
                ],
            }
        )
    return {
        "scheme": name,
        "audience": audience,
        "by": by,
        "year": year,
        "month": month,
        "period": period,
        "as_of": as_of.isoformat() if as_of else None,
        "dimensions": [{"code": c, "label": str(label)} for c, label in Dimension.choices],
        "rows": rows,
    }


def publication_get(*, year: int, month: int, period: str, audience: str) -> RacePublication | None:
    return (
        RacePublication.objects.filter(
            scheme__year=year, scheme__audience=audience, year=year, month=month, period=period
        )
        .select_related("published_by")
        .first()
    )


def _live(year, month, period, audience) -> dict:
    key = figures_cache.key("ranking", year, month, period, audience)
    result = cache.get(key)
    if result is None:
        result = compute_ranking(year=year, month=month, period=period, audience=audience)
        cache.set(key, result, figures_cache.seconds())
    return result


def _with_change(result: dict, previous: dict | None) -> dict:
    before = {row["id"]: row["rank"] for row in (previous or {}).get("rows", [])}
    for row in result["rows"]:
        prev = before.get(row["id"])
        row["prev_rank"] = prev
        row["change"] = None if prev is None else prev - row["rank"]
    return result


def ranking_for(*, user, year: int, month: int, period: str, audience: str) -> dict | None:
    """The ranking the user may read: the published one if there is one; else, for the office and
    city leaders only, the live preview (marked unpublished); None for others until it is published.
    The change in rank is against the previous period, published or (for the preview) live."""
    check_period(period, month)
    publication = publication_get(year=year, month=month, period=period, audience=audience)
    if publication is not None:
        result = dict(publication.result)
        result["published"] = True
        result["published_at"] = timezone.localtime(publication.published_at).isoformat()
        return result
    if not user.sees_all_projects:
        return None
    result = dict(_live(year, month, period, audience))
    result["rows"] = [dict(row) for row in result["rows"]]
    prev = previous_period(period, year, month)
    previous = None
    if prev:
        pub = publication_get(year=prev[0], month=prev[1], period=period, audience=audience)
        previous = pub.result if pub else _live(prev[0], prev[1], period, audience)
    result["published"] = False
    return _with_change(result, previous)


def ranking_to_publish(*, year: int, month: int, period: str, audience: str, as_of: dt.datetime) -> dict:
    """The ranking frozen as of `as_of`, with the change against the previous period's published ranking."""
    result = compute_ranking(year=year, month=month, period=period, audience=audience, as_of=as_of)
    prev = previous_period(period, year, month)
    previous = None
    if prev:
        pub = publication_get(year=prev[0], month=prev[1], period=period, audience=audience)
        previous = (
            pub.result
            if pub
            else compute_ranking(year=prev[0], month=prev[1], period=period, audience=audience, as_of=as_of)
        )
    return _with_change(result, previous)


def publications_list(*, year: int | None = None):
    qs = RacePublication.objects.select_related("scheme", "published_by")
    return qs.filter(year=year) if year else qs
