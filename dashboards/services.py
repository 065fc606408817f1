"""Every write of the dashboards app: targets (page and Excel), the 赛马 scheme, publishing a
ranking, bulletins (create, edit, publish), bulletin templates and area outlines. Each checks the
office's permission, runs in one transaction and leaves an audit row."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction, OrgKind, RoleCode
from accounts.models import Organisation, User
from projects.exceptions import ConflictError
from projects.parsing import CellError, clean_text, compact, is_blank, parse_money
from scheduling.services import notify

from . import bulletins as wording
from .choices import Audience, BulletinStatus, RacePeriod
from .models import (
    TARGET_FIELDS,
    AreaOutline,
    Bulletin,
    BulletinTemplate,
    RaceIndicator,
    RacePublication,
    RaceScheme,
    Target,
)
from .permissions import can_manage
from .race import DEFAULT_SCHEMES, SCHEME_NAMES
from .selectors.dashboard import dashboard_for
from .selectors.ranking import PeriodError, publication_get, ranking_to_publish
from .selectors.scopes import CITY, Scope


def _require_office(actor):
    if not can_manage(actor):
        raise PermissionDenied("只有项目攻坚专班办公室可以进行此操作。")


# --- targets -------------------------------------------------------------------------------


@transaction.atomic
def target_save(*, actor, year: int, organisation: Organisation, values: dict) -> Target:
    """Create or update one year's targets of an area or department (fields of TARGET_FIELDS)."""
    _require_office(actor)
    target, created = Target.objects.select_for_update().get_or_create(year=year, organisation=organisation)
    before = audit.snapshot(target, TARGET_FIELDS)
    for name in TARGET_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    target.updated_at = timezone.now()
    target.full_clean()
    target.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=target,
        changes=audit.diff(before, audit.snapshot(target, TARGET_FIELDS)),
    )
    return target


TARGET_SHEET_HEADERS = ["地区/部门"] + [Target._meta.get_field(f).verbose_name for f in TARGET_FIELDS]


MONEY_TARGETS = {"fai_amount", "project_plan", "key_plan", "planning_amount"}


def _cell_value(field, raw):
    """One cell of the targets sheet: amounts as the ledger types them (万元, "1.2亿"), counts as
    whole numbers, rates and points as numbers that may be negative and carry a "%"."""
    if is_blank(raw):
        return None
    if field in MONEY_TARGETS:
        return parse_money(raw)
    text = (
        compact(raw).replace(",", "").rstrip("%％")
        if not isinstance(raw, int | float | Decimal)
        else str(raw)
    )
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{clean_text(raw)[:20]}”不是有效的数字") from exc
    if not number.is_finite() or abs(number) > 10**8:
        raise ValueError("数值无效")
    if Target._meta.get_field(field).get_internal_type() == "PositiveIntegerField":
        if number != number.to_integral_value() or number < 0:
            raise ValueError("须为非负整数")
        return int(number)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def targets_import(*, actor, year: int, content: bytes) -> int:
    """Targets from the office's Excel sheet (the layout of `targets_template`): one row per area or
    department, matched by name or short name. All rows or none; errors list row and column."""
    from openpyxl import load_workbook

    _require_office(actor)
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds on a file that is not a workbook
        raise ValidationError("无法读取该文件：请上传 .xlsx 格式的目标表。") from exc
    orgs = {}
    for org in Organisation.objects.filter(kind__in=[OrgKind.CITY, *_area_kinds(), OrgKind.DEPARTMENT]):
        orgs[org.name] = org
        if org.short_name:
            orgs.setdefault(org.short_name, org)
    errors, rows = [], []
    for index, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if not values or values[0] in (None, ""):
            continue
        org = orgs.get(str(values[0]).strip())
        if org is None:
            errors.append(f"第{index}行：未知的地区或部门“{values[0]}”")
            continue
        parsed = {}
        for col, field in enumerate(TARGET_FIELDS, start=1):
            raw = values[col] if col < len(values) else None
            try:
                parsed[field] = _cell_value(field, raw)
            except (ValueError, CellError) as exc:
                label = Target._meta.get_field(field).verbose_name
                message = str(exc)
                errors.append(f"第{index}行“{label}”：{message}")
        rows.append((org, parsed))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("表中没有目标数据。")
    for org, parsed in rows:
        target_save(actor=actor, year=year, organisation=org, values=parsed)
    return len(rows)


def _area_kinds():
    from accounts.choices import AREA_KINDS

    return list(AREA_KINDS)


# --- 赛马 ----------------------------------------------------------------------------------


@transaction.atomic
def race_scheme_save(*, actor, year: int, audience: str, name: str, indicators: list[dict]) -> RaceScheme:
    """Replace the year's scheme for an audience with these indicators (dimension, code, weight,
    method, floor, target, thresholds)."""
    _require_office(actor)
    if not indicators:
        raise ValidationError("计分办法至少需要一项指标。")
    scheme, _created = RaceScheme.objects.select_for_update().get_or_create(
        year=year, audience=audience, defaults={"name": name or SCHEME_NAMES[Audience(audience)]}
    )
    before = [
        {k: str(v) for k, v in row.items()}
        for row in scheme.indicators.values("code", "weight", "method", "floor", "target", "thresholds")
    ]
    scheme.name = name or scheme.name
    scheme.updated_at = timezone.now()
    scheme.save()
    scheme.indicators.all().delete()
    objs = [RaceIndicator(scheme=scheme, sort_order=i, **row) for i, row in enumerate(indicators)]
    for obj in objs:
        obj.full_clean(exclude=["scheme"])
    RaceIndicator.objects.bulk_create(objs)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=scheme,
        changes={"indicators": [before, [{k: str(v) for k, v in row.items()} for row in indicators]]},
    )
    return scheme


def race_scheme_ensure(*, actor, year: int, audience: str) -> RaceScheme:
    """The year's scheme, created from the defaults if the office has not saved one."""
    scheme = RaceScheme.objects.filter(year=year, audience=audience).first()
    if scheme is not None and scheme.indicators.exists():
        return scheme
    rows = [
        {
            "dimension": d,
            "code": c,
            "weight": w,
            "method": m,
            "floor": f,
            "target": t,
            "thresholds": th,
        }
        for d, c, w, m, f, t, th in DEFAULT_SCHEMES[Audience(audience)]
    ]
    return race_scheme_save(actor=actor, year=year, audience=audience, name="", indicators=rows)


@transaction.atomic
def ranking_publish(*, actor, year: int, month: int, period: str, audience: str) -> RacePublication:
    """Freeze the period's ranking as of now and publish it; publishing the same period again is refused."""
    _require_office(actor)
    try:
        RacePeriod(period)
        Audience(audience)
    except ValueError as exc:
        raise ValidationError("赛马周期或参赛对象无效。") from exc
    scheme = race_scheme_ensure(actor=actor, year=year, audience=audience)
    if publication_get(year=year, month=month, period=period, audience=audience) is not None:
        raise ConflictError("该期赛马排名已经发布，不能重复发布。")
    now = timezone.now()
    try:
        result = ranking_to_publish(year=year, month=month, period=period, audience=audience, as_of=now)
    except PeriodError as exc:
        raise ValidationError(str(exc)) from exc
    publication = RacePublication.objects.create(
        scheme=scheme, period=period, year=year, month=month, as_of=now, result=result, published_by=actor
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=publication, message="发布赛马排名")
    label = RacePeriod(period).label
    notify(
        recipients=ranking_recipients(publication),
        kind="ranking_published",
        key=f"ranking:{publication.pk}",
        title=f"【{label}】{year}年1-{month}月排名已发布",
        body=f"{label}排名（截至{timezone.localtime(now):%Y年%m月%d日}，已审核数据）已发布，请查看本单位得分和逐项说明。",
        url=f"{reverse('dashboards:ranking')}?{urlencode({'year': year, 'month': month, 'period': period, 'audience': audience})}",
    )
    return publication


# --- bulletins -------------------------------------------------------------------------------


def _scope_of(area) -> Scope:
    return CITY if area is None else Scope("area", area)


@transaction.atomic
def bulletin_create(*, actor, year: int, month: int, area: Organisation | None = None) -> Bulletin:
    """A draft bulletin for the month and area, worded by the office's active template."""
    _require_office(actor)
    template = (
        BulletinTemplate.objects.filter(is_active=True, for_city=area is None)
        .order_by("-updated_at", "-id")
        .first()
    )
    body = template.body if template else (wording.CITY_TEMPLATE if area is None else wording.AREA_TEMPLATE)
    name = "全市" if area is None else area.display_name
    bulletin = Bulletin.objects.create(
        year=year,
        month=month,
        area=area,
        title=f"{name}{year}年1-{month}月项目建设情况通报",
        body=body,
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, instance=bulletin)
    return bulletin


@transaction.atomic
def bulletin_update(*, actor, bulletin: Bulletin, title: str, body: str, expected_version: int) -> Bulletin:
    _require_office(actor)
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.status == BulletinStatus.PUBLISHED:
        raise ValidationError("通报已发布，不能修改。")
    if expected_version != locked.version:
        raise ConflictError("该通报已被他人修改，请刷新后再编辑。您的修改未保存。")
    unknown = wording.unknown_markers(body)
    if unknown:
        raise ValidationError({"body": [f"未知的数据标记：{'、'.join(unknown)}"]})
    if not title.strip() or not body.strip():
        raise ValidationError("标题和正文不能为空。")
    before = audit.snapshot(locked, ["title", "body"])
    locked.title, locked.body = title.strip(), body
    locked.version += 1
    locked.save(update_fields=["title", "body", "version"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=locked,
        changes=audit.diff(before, audit.snapshot(locked, ["title", "body"])),
    )
    return locked


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin) -> Bulletin:
    """Freeze every figure of the bulletin as of now and publish it (idempotent)."""
    _require_office(actor)
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.status == BulletinStatus.PUBLISHED:
        return locked
    now = timezone.now()
    dash = dashboard_for(_scope_of(locked.area), locked.year, locked.month)
    locked.figures = wording.frozen(wording.segments(dash))
    locked.as_of = now
    locked.status = BulletinStatus.PUBLISHED
    locked.published_at = now
    locked.published_by = actor
    locked.version += 1
    locked.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=locked,
        changes={"status": [BulletinStatus.DRAFT.value, BulletinStatus.PUBLISHED.value]},
        message="发布通报",
    )
    notify(
        recipients=bulletin_recipients(locked),
        kind="bulletin_published",
        key=f"bulletin:{locked.pk}",
        title=f"【通报】{locked.title}",
        body="通报已印发，文中每个数字都可点开查看对应项目。",
        url=reverse("dashboards:bulletin_detail", args=[locked.pk]),
        obj=locked,
    )
    return locked


def bulletin_recipients(bulletin: Bulletin) -> list[User]:
    """Who should be told that a bulletin is out: city leaders, and the users of every area it names
    (the whole city's bulletin: every area and department); `bulletin_publish` tells them."""
    users = User.objects.filter(is_active=True)
    leaders = users.filter(roles__code__in=[RoleCode.LEADER, RoleCode.OFFICE])
    if bulletin.area is None:
        units = users.filter(organisation__kind__in=[*_area_kinds(), OrgKind.DEPARTMENT])
    else:
        units = users.filter(organisation__path__startswith=bulletin.area.path)
    return list((leaders | units).distinct().order_by("pk"))


def ranking_recipients(publication: RacePublication) -> list[User]:
    """Who should be told that a period's ranking is published: city leaders and the office, and the
    users of every competing unit (areas or departments); `ranking_publish` tells them."""
    users = User.objects.filter(is_active=True)
    kinds = _area_kinds() if publication.scheme.audience == Audience.AREAS else [OrgKind.DEPARTMENT]
    leaders = users.filter(roles__code__in=[RoleCode.LEADER, RoleCode.OFFICE])
    units = users.filter(organisation__kind__in=kinds) | users.filter(organisation__parent__kind__in=kinds)
    return list((leaders | units).distinct().order_by("pk"))


@transaction.atomic
def bulletin_template_save(
    *, actor, template: BulletinTemplate | None, name: str, body: str, for_city: bool
) -> BulletinTemplate:
    _require_office(actor)
    unknown = wording.unknown_markers(body)
    if unknown:
        raise ValidationError({"body": [f"未知的数据标记：{'、'.join(unknown)}"]})
    created = template is None
    template = template or BulletinTemplate()
    before = {} if created else audit.snapshot(template, ["name", "body", "for_city"])
    template.name, template.body, template.for_city = name, body, for_city
    template.updated_at = timezone.now()
    template.full_clean()
    template.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        instance=template,
        changes=audit.diff(before, audit.snapshot(template, ["name", "body", "for_city"])),
    )
    return template


# --- map outlines ----------------------------------------------------------------------------


@transaction.atomic
def outlines_load(*, actor, geojson: dict, source: str = "") -> int:
    """Store area outlines from a GeoJSON FeatureCollection: each feature matched to an area by
    `properties.adcode`/`division_code` or `properties.name`. Unmatched features are refused."""
    if not (actor.is_superuser or can_manage(actor)):
        raise PermissionDenied("只有管理员或专班办公室可以导入地区边界。")
    if geojson.get("type") != "FeatureCollection":
        raise ValidationError("请提供 GeoJSON FeatureCollection。")
    areas = list(Organisation.objects.filter(kind__in=[OrgKind.CITY, *_area_kinds()]))
    by_code = {o.division_code: o for o in areas if o.division_code}
    by_name = {n: o for o in areas for n in (o.name, o.short_name) if n}
    count, errors = 0, []
    for i, feature in enumerate(geojson.get("features", []), start=1):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        org = by_code.get(str(props.get("adcode") or props.get("division_code") or "")) or by_name.get(
            props.get("name", "")
        )
        if org is None:
            errors.append(f"第{i}个要素“{props.get('name', '')}”：未匹配到地区")
            continue
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            errors.append(f"第{i}个要素“{props.get('name', '')}”：边界须为 Polygon 或 MultiPolygon")
            continue
        AreaOutline.objects.update_or_create(
            organisation=org, defaults={"geometry": geometry, "source": source, "updated_at": timezone.now()}
        )
        count += 1
    if errors:
        raise ValidationError(errors)
    audit.record(
        actor=actor, action=AuditAction.IMPORT, instance=areas[0], message=f"导入地区边界{count}个：{source}"
    )
    return count
