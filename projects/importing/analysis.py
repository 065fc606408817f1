"""Deciding what a ledger would change: rows read and normalised, matched to projects, checked.

`analyse(actor=…, data=…, year=…)` reads nothing but the file and the database and writes
nothing; the preview shows its result and the commit runs it again (inside its transaction,
with the matched projects locked) before writing.

Matching: 项目代码 first, else 项目名称 + 建设单位 (whitespace and full-width forms ignored).
A row changes only the columns the ledger has and fills in: a blank cell never clears a value.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts import audit
from accounts.scoping import project_scope_q

from ..choices import Nature, Stage
from ..models import AnnualPlan, Project
from ..services.projects import project_within_actor_scope
from . import header as header_module
from . import ledger as ledger_module
from .header import FUNDING, LABELS
from .ledger import Context, LedgerError, LedgerRow, SheetCells, date_errors, normalise_rows, read_cells
from .matching import LeaderDirectory, OrgDirectory
from .parsing import compact
from .safety import UnsafeFile, load_workbook_safely

logger = logging.getLogger(__name__)

CELLS_CACHE_SECONDS = 30 * 60  # preview → confirm
OUT_OF_SCOPE = (
    "在您的管辖范围内未找到该项目（项目代码或项目名称＋建设单位），不能导入：请核对，或由项目所属单位导入"
)
CHUNK = 1000

# Project fields an import may set, with their ledger column (the row's key in LedgerRow.values).
SCALAR_FIELDS = [
    "code",
    "name",
    "content",
    "nature",
    "address",
    "construction_unit",
    "credit_code",
    "manager",
    "manager_phone",
    "industry",
    "key_level",
    "total_investment",
    *FUNDING,
    "planned_start",
    "planned_completion",
    "actual_start",
]
FK_FIELDS = ["county", "town", "department"]
PLAN_FIELDS = ["planned_investment", "is_new", "planned_start_month"]
PROJECT_SELECT = (
    "county",
    "town",
    "department",
    "reporting_unit",
    "enterprise",
    "liaison_leader",
    "created_by",
)


@dataclass
class RowPlan:
    row: LedgerRow
    project: Project
    is_new: bool
    changes: dict = field(default_factory=dict)  # field → [old, new] (audit.diff form)
    plan: AnnualPlan | None = None
    plan_is_new: bool = False
    plan_changes: dict = field(default_factory=dict)


@dataclass
class Analysis:
    year: int
    sheets: list = field(default_factory=list)
    rows: list[LedgerRow] = field(default_factory=list)
    plans: list[RowPlan] = field(default_factory=list)
    file_error: str = ""

    @property
    def errors(self):
        return [issue for row in self.rows for issue in row.errors]

    @property
    def warnings(self):
        return [issue for row in self.rows for issue in row.warnings]

    @property
    def creates(self):
        return [p for p in self.plans if p.is_new]

    @property
    def updates(self):
        return [p for p in self.plans if not p.is_new and (p.changes or p.plan_changes)]

    @property
    def unchanged(self):
        return [p for p in self.plans if not p.is_new and not p.changes and not p.plan_changes]


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def analyse(*, actor, data: bytes, year: int, lock: bool = False) -> Analysis:
    """Read the workbook and decide, row by row, what a commit would create or change."""
    analysis = Analysis(year=year)
    try:
        sheets = _read_cells(data)
    except (LedgerError, UnsafeFile) as exc:
        analysis.file_error = str(exc)
        return analysis
    analysis.sheets = [
        {
            "name": sheet.title,
            "header_row": sheet.header.last_row,
            "columns": [{"header": c.header, "field": LABELS[c.field]} for c in sheet.header.columns],
            "ignored": sheet.header.ignored,
        }
        for sheet in sheets
    ]
    ctx = Context(orgs=OrgDirectory(), leaders=LeaderDirectory(), year=year, today=timezone.localdate())
    analysis.rows = normalise_rows(sheets, ctx)
    if not analysis.rows:
        analysis.file_error = "表格中没有项目数据行（只有表头、空行或合计行）。"
        return analysis
    _mark_duplicates(analysis.rows)
    _plan_rows(actor, analysis, lock=lock)
    return analysis


# Parsed cells are cached across processes (Redis): the key carries the parser's own source digest, so a
# deploy that changes how ledgers are read never reuses cells parsed the old way.
_PARSER_VERSION = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (ledger_module, header_module))
).hexdigest()[:12]


def _read_cells(data: bytes) -> list[SheetCells]:
    """The file's header and raw data cells: checked and parsed once, then kept a while for the confirm step.

    Only the XML parsing is cached (keyed by the file's hash and the limits): names, scope and existing
    projects are resolved again at commit time against the database as it is then.
    """
    limits = (settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_UNCOMPRESSED_BYTES, settings.IMPORT_MAX_ROWS)
    key = "ledger-cells:{}:{}:{}:{}:{}".format(
        _PARSER_VERSION, hashlib.sha256(data or b"").hexdigest(), *limits
    )
    try:
        sheets = cache.get(key)
    except (AttributeError, ImportError, pickle.UnpicklingError):
        sheets = None  # written by other code (a web process from before a deploy): parse again
    except Exception as exc:  # Redis down or unreachable: the cache is an optimisation, parse again
        logger.warning("ledger import: parsed-cells cache unavailable (%s: %s)", exc.__class__.__name__, exc)
        sheets = None
    if sheets is not None:
        return sheets
    wb = load_workbook_safely(data)
    try:
        sheets = read_cells(wb, settings.IMPORT_MAX_ROWS)
    except (LedgerError, UnsafeFile):
        raise
    except Exception as exc:  # a sheet part openpyxl/defusedxml cannot stream (bad XML, entities, CRC)
        logger.warning("ledger import: unreadable sheet (%s: %s)", exc.__class__.__name__, exc)
        raise UnsafeFile(
            f"无法读取该 Excel 文件的工作表内容（{exc.__class__.__name__}）。请在 Excel 中另存为 .xlsx 后重试。"
        ) from exc
    finally:
        wb.close()
    try:
        cache.set(key, sheets, CELLS_CACHE_SECONDS)
    except Exception as exc:  # the confirm step will parse the file again
        logger.warning("ledger import: parsed-cells cache unavailable (%s: %s)", exc.__class__.__name__, exc)
    return sheets


def _name_key(values) -> tuple[str, str]:
    return compact(values.get("name")), compact(values.get("construction_unit"))


def _place(earlier: LedgerRow, row: LedgerRow) -> str:
    if earlier.sheet == row.sheet:
        return f"第{earlier.row}行"
    return f"工作表“{earlier.sheet}”第{earlier.row}行"


def _mark_duplicates(rows: list[LedgerRow]):
    by_code, by_name = {}, {}
    for row in rows:
        code, key = row.values.get("code"), _name_key(row.values)
        where = None
        if code and code in by_code:
            where, what = by_code[code], "项目代码"
        elif all(key) and key in by_name:
            where, what = by_name[key], "项目名称和建设单位"
        if where is not None:
            row.error("项目名称", f"与{_place(where, row)}重复（{what}相同），同一项目只能出现一次")
            continue
        if code:
            by_code[code] = row
        if all(key):
            by_name.setdefault(key, row)


def _load_existing(rows: list[LedgerRow], lock: bool):
    """Projects the rows name, by 项目代码 and by (项目名称, 建设单位) compared as `compact` text.

    Names are compared in Python: a project saved as "…（一期）" must match a ledger's "… (一期)", which
    no exact `name__in` does. Reading three columns of every project costs a few ms per 10,000.
    """
    codes = {r.values["code"] for r in rows if r.values.get("code")}
    name_keys = {key for r in rows if all(key := _name_key(r.values))}
    ids = set()
    for chunk in _chunks(codes):
        ids.update(Project.objects.filter(code__in=chunk).values_list("pk", flat=True))
    for pk, name, unit in Project.objects.values_list("pk", "name", "construction_unit").iterator(
        chunk_size=5000
    ):
        if (compact(name), compact(unit)) in name_keys:
            ids.add(pk)
    base = Project.objects.select_related(*PROJECT_SELECT)
    if lock:
        base = base.select_for_update(of=("self",))
    found = {}
    for chunk in _chunks(ids):
        found.update({p.pk: p for p in base.filter(pk__in=chunk)})
    by_code = {p.code: p for p in found.values() if p.code}
    by_name = {}
    for p in sorted(found.values(), key=lambda p: p.pk):
        by_name.setdefault((compact(p.name), compact(p.construction_unit)), p)
    return by_code, by_name


def _plan_rows(actor, analysis: Analysis, *, lock: bool):
    by_code, by_name = _load_existing(analysis.rows, lock)
    matched_ids = {p.pk for p in by_code.values()} | {p.pk for p in by_name.values()}
    if actor.sees_all_projects:
        visible = matched_ids
    else:
        visible = set()
        for chunk in _chunks(matched_ids):
            visible.update(
                Project.objects.filter(project_scope_q(actor), pk__in=chunk).values_list("pk", flat=True)
            )
    existing_plans = {}
    for chunk in _chunks(matched_ids):
        for plan in AnnualPlan.objects.filter(project_id__in=chunk):
            existing_plans[(plan.project_id, plan.year)] = plan

    today = timezone.localdate()
    claimed: dict[
        int, tuple[LedgerRow, str]
    ] = {}  # project id → the row that matched it first, its name then
    for row in analysis.rows:
        if row.errors:
            continue
        v = row.values
        project = by_code.get(v["code"]) if v.get("code") else None
        if project is None:
            project = by_name.get(_name_key(v))
        if project is not None and project.pk not in visible:
            # Another unit's project: say nothing of it (name, county, code), only that it is not ours.
            row.error("项目名称", OUT_OF_SCOPE)
            continue
        if project is not None and v.get("code") and project.code and project.code != v["code"]:
            row.error("项目代码", f"与已有项目“{project.name}”的项目代码 {project.code} 不一致，请核对")
            continue
        if project is None:
            plan = _new_project(actor, row, today)
        else:
            # One row by 项目代码, another by 名称＋建设单位: two rows would write the same project.
            if project.pk in claimed:
                first, name = claimed[project.pk]
                row.error("项目名称", f"与{_place(first, row)}是同一个已有项目“{name}”，同一项目只能出现一次")
                continue
            claimed[project.pk] = (row, project.name)
            plan = _changed_project(actor, row, project, today)
        if row.errors:
            continue
        _annual_plan(row, plan, existing_plans)
        analysis.plans.append(plan)


def _apply(row: LedgerRow, project: Project):
    """Set the row's non-blank values on `project` (a blank cell never clears a value)."""
    v = row.values
    for f in SCALAR_FIELDS:
        if f in v and (f in row.present or f in ("name", "construction_unit")):
            if f == "code" and not v[f]:
                continue
            setattr(project, f, v[f])
    for f in FK_FIELDS:
        if v.get(f) is not None:
            setattr(project, f, v[f])
    if v.get("liaison_leader"):
        leader = v.get("liaison_leader_obj")
        project.liaison_leader = leader
        project.liaison_leader_name = "" if leader else v["liaison_leader"]


def _check_project(actor, row: LedgerRow, project: Project, today):
    if project.county_id is None:
        row.error("县（市、区）", "未填写县（市、区）")
        return
    if project.town is not None and project.town.parent_id != project.county_id:
        row.error("乡镇", f"乡镇“{project.town.name}”不属于{project.county.name}")
    funding = project.funding_total
    if funding and funding != project.total_investment:
        row.error(
            "总投资",
            f"资金来源合计 {funding} 万元与总投资 {project.total_investment} 万元不一致（修改总投资时请同时填写资金来源各列）",
        )
    for column, message in date_errors(
        project.planned_start, project.planned_completion, project.actual_start, today
    ):
        row.error(column, message)
    if not project_within_actor_scope(actor, project):
        unit = actor.organisation.name if actor.organisation else "您的账号"
        row.error(
            "县（市、区）", f"超出管辖范围：{unit}只能导入本单位管辖的项目（本行为{project.county.name}）"
        )


def _new_project(actor, row: LedgerRow, today) -> RowPlan:
    v = row.values
    project = Project(stage=Stage.RESERVE, created_by=actor, nature=Nature.NEW)
    project.county = project.town = project.department = project.liaison_leader = None
    project.enterprise = None
    _apply(row, project)
    if v.get("total_investment") is None:
        row.error("总投资", "新项目须填写总投资")
    if v.get("county") is not None:
        project.reporting_unit = v["county"]
    if project.actual_start and project.actual_start <= today:
        project.stage = Stage.CONSTRUCTION
    _check_project(actor, row, project, today)
    return RowPlan(row=row, project=project, is_new=True)


def _changed_project(actor, row: LedgerRow, project: Project, today) -> RowPlan:
    before = audit.snapshot(project)
    _apply(row, project)
    _check_project(actor, row, project, today)
    changes = audit.diff(before, audit.snapshot(project))
    if "actual_start" in changes and project.stage in (Stage.RESERVE, Stage.PREWORK):
        row.warn(
            "实际开工时间",
            f"项目阶段仍为“{project.get_stage_display()}”：导入不变更阶段，已开工请在项目页办理“在建”阶段变更",
        )
    return RowPlan(row=row, project=project, is_new=False, changes=changes)


def _annual_plan(row: LedgerRow, rp: RowPlan, existing_plans):
    v = row.values
    if "annual_plan" not in row.present or v.get("annual_plan") is None:
        return
    year = v["plan_year"]
    start = rp.project.planned_start
    # 新开工 that year when the planned start falls in it (a 续建 project never is).
    is_new = bool(start and start.year == year and rp.project.nature != Nature.CONTINUING)
    if not start and rp.project.nature == Nature.NEW:
        row.warn("计划开工时间", f"新建项目未填写计划开工时间，{year}年计划按续建导入")
    desired = {
        "planned_investment": v["annual_plan"],
        "is_new": is_new,
        "planned_start_month": start.month if is_new else None,
    }
    current = existing_plans.get((rp.project.pk, year)) if rp.project.pk else None
    if current is None:
        rp.plan = AnnualPlan(project=rp.project, year=year, **desired)
        rp.plan_is_new = True
        rp.plan_changes = audit.diff({}, audit.snapshot(rp.plan, fields=["year", *PLAN_FIELDS]))
        return
    current.project = rp.project  # so the audit row's text needs no query
    before = audit.snapshot(current, fields=PLAN_FIELDS)
    for f, value in desired.items():
        setattr(current, f, value)
    rp.plan = current
    rp.plan_changes = audit.diff(before, audit.snapshot(current, fields=PLAN_FIELDS))
