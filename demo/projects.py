"""Demo projects: names, units, money, stage and dates, then their stage history, annual plans and
pre-work approvals. Everything is drawn from one `random.Random`, in a fixed order, so the same
seed and size give the same rows."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from projects.choices import ApprovalLevel, ApprovalStatus, Industry, KeyLevel, Nature, Stage
from projects.history import governing_ends
from projects.models import AnnualPlan, Approval, ApprovalKind, Project, StageChange
from projects.money import as_money
from projects.validators import CREDIT_CODE_CHARSET, credit_code_check_char

from .catalogue import (
    AREA_INDUSTRY_BIAS,
    BRANDS,
    CN_NUMERALS,
    PHASES,
    PROFILES,
    RIVERS,
    SCENIC,
    STAGE_REASONS,
    Template,
)
from .fastinsert import row
from .geography import AREA_BY_KEY, AREAS, CITY_BBOX, CITY_DIVISION, CITY_NAME
from .people import person_name, phone_number
from .tree import Tree

TZ = ZoneInfo("Asia/Shanghai")
STAGE_MIX = (
    (Stage.RESERVE, 0.20),
    (Stage.PREWORK, 0.20),
    (Stage.CONSTRUCTION, 0.45),
    (Stage.COMPLETED, 0.10),
    (Stage.OPERATION, 0.03),
    (Stage.SUSPENDED, 0.015),
    (Stage.CANCELLED, 0.005),
)
VILLAGES = (
    "",
    "",
    "东侧",
    "西侧",
    "南侧",
    "北侧",
    "东村",
    "西村",
    "南庄",
    "北庄",
    "河东村",
    "沟底村",
    "坪上村",
    "岭后村",
)
CITY_LEVEL_SHARE = 0.05  # 市本级 projects: county is the city, a department reports them
# Government-side industries a department can run at city level.
CITY_LEVEL_INDUSTRIES = (Industry.TRANSPORT, Industry.URBAN, Industry.WATER, Industry.SOCIAL)
GOV_UNITS = ("gov", "inst")
# Two-digit industry/department group of the national project code.
CODE_GROUP = {
    Industry.INDUSTRY: "07",
    Industry.ENERGY: "05",
    Industry.TRANSPORT: "04",
    Industry.WATER: "03",
    Industry.URBAN: "06",
    Industry.SOCIAL: "08",
    Industry.AGRICULTURE: "02",
    Industry.TOURISM: "09",
    Industry.SERVICE: "10",
    Industry.OTHER: "99",
}
# Approvals (ApprovalKind.code) a kind of project does not need.
NOT_NEEDED = {
    "renovation": {"land", "planning_site", "energy"},
    Industry.TRANSPORT: {"planning_permit", "energy"},
    Industry.WATER: {"planning_permit", "energy"},
    Industry.AGRICULTURE: {"planning_permit", "energy", "construction_permit"},
    Industry.SOCIAL: {"energy"},
}


@dataclass
class ProjectMeta:
    """What the builders of plans, approvals and reports need beside the Project row."""

    area_key: str  # area key, or "city" for 市本级
    profile_progress: str
    duration_months: int
    performance: float  # < 1 lags behind plan, > 1 runs ahead
    entry_date: dt.date  # entered the reserve pool
    prework_date: dt.date | None  # 赋码 / entered pre-work
    stage_path: list[tuple[str, dt.date]] = field(default_factory=list)
    end_date: dt.date | None = None  # completion, suspension or cancellation
    unit_kind: str = "ent"
    plans: dict[int, int] = field(default_factory=dict)  # year → 万元


def aware(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def add_months(day: dt.date, months: float) -> dt.date:
    return day + dt.timedelta(days=round(months * 30.44))


class ProjectGenerator:
    def __init__(self, *, tree: Tree, rng: random.Random, today: dt.date, count: int):
        self.tree = tree
        self.rng = rng
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.count = count
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.credit_codes: set[str] = set()
        self.units: dict[str, str] = {}  # unit name → credit code
        self.companies: dict[tuple[str, str], list[str]] = {}  # (area, trade) → company names
        self.unmatched_leaders = [person_name(random.Random(f"unmatched-{i}")) for i in range(8)]
        leader_names = {d.leader.name for group in tree.leaders.values() for d in group}
        self.unmatched_leaders = [n for n in self.unmatched_leaders if n not in leader_names]

    # --- small helpers -------------------------------------------------------------------------

    def _credit_code(self, prefix: str, division: str) -> str:
        rng = self.rng
        while True:
            body = "".join(
                rng.choice(CREDIT_CODE_CHARSET[:10] if i < 8 else CREDIT_CODE_CHARSET) for i in range(9)
            )
            first17 = f"{prefix}{division}{body}"
            code = first17 + credit_code_check_char(first17)
            if code not in self.credit_codes:
                self.credit_codes.add(code)
                return code

    def _unit(self, template: Template, area_key: str) -> tuple[str, str, str]:
        """(construction unit, credit code, unit kind) for a project of `template` in the area."""
        rng = self.rng
        kind, _, word = template.unit.partition(":")
        area = AREA_BY_KEY.get(area_key)
        division = area.division_code if area else CITY_DIVISION
        if area_key == "city":
            prefix = CITY_NAME
        elif area_key == "chengqu":
            prefix = "晋城市城区"
        else:
            prefix = area.name
        if kind == "ent":
            pool = self.companies.setdefault((area_key, word), [])
            if pool and rng.random() < 0.25:
                name = rng.choice(pool)
            else:
                head = rng.choice(["山西", "晋城市", prefix if area_key != "kaifaqu" else "晋城"])
                name = f"{head}{rng.choice(BRANDS)}{word}有限公司"
                if name not in self.units:
                    pool.append(name)
        elif kind == "soe":
            name = word if word.startswith("国网") else f"{prefix}{word}"
        elif kind == "gov":
            name = "晋城经济技术开发区管理委员会" if area_key == "kaifaqu" else f"{prefix}{word}"
        else:
            name = f"{prefix}{word}"
        if name not in self.units:
            code_prefix = {"gov": "11", "inst": "12"}.get(kind, "91")
            self.units[name] = self._credit_code(code_prefix, division)
        return name, self.units[name], kind

    def _project_code(self, industry: str, division: str, day: dt.date, kind: str) -> str:
        project_type = {"gov": "01", "inst": "01", "soe": "02"}.get(kind, "03")
        while True:
            code = (
                f"{day:%y%m}-{division}-{CODE_GROUP[industry]}-{project_type}-{self.rng.randrange(10**6):06d}"
            )
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _total(self, template: Template) -> int:
        value = template.median * self.rng.lognormvariate(0, 0.75)
        value = min(max(value, 500), 2_000_000)
        step = 10 if value < 5000 else 100 if value < 100_000 else 1000
        return max(500, int(round(value / step)) * step)

    def _funding(self, total: int, kind: str, industry: str, is_private: bool) -> dict[str, Decimal]:
        rng = self.rng
        if is_private:
            weights = {"fund_self_raised": 0.5 + rng.random(), "fund_bank_loan": rng.random() * 0.8}
            if rng.random() < 0.1:
                weights["fund_provincial"] = rng.random() * 0.1
        elif kind in ("ent", "soe"):
            weights = {
                "fund_self_raised": 0.3 + rng.random() * 0.4,
                "fund_bank_loan": 0.2 + rng.random() * 0.5,
            }
            if industry in (Industry.URBAN, Industry.WATER, Industry.TRANSPORT) and rng.random() < 0.5:
                weights["fund_special_bond"] = rng.random() * 0.6
            if rng.random() < 0.15:
                weights["fund_other"] = rng.random() * 0.1
        else:
            weights = {"fund_local_fiscal": 0.2 + rng.random() * 0.4}
            for name, p, size in (
                ("fund_central_budget", 0.35, 0.4),
                ("fund_special_bond", 0.5, 0.7),
                ("fund_ultra_long_bond", 0.2, 0.5),
                ("fund_provincial", 0.3, 0.3),
                ("fund_bank_loan", 0.12, 0.4),
            ):
                if rng.random() < p:
                    weights[name] = rng.random() * size
        weight_sum = sum(weights.values())
        largest = max(weights, key=weights.get)
        parts = {name: int(total * w / weight_sum) for name, w in weights.items() if name != largest}
        parts[largest] = total - sum(parts.values())  # the remainder: the breakdown sums exactly
        return {name: as_money(v) for name, v in parts.items()}

    def _fill(self, template: Template, area_key: str, town_name: str | None) -> tuple[str, str]:
        rng = self.rng
        area = AREA_BY_KEY.get(area_key)
        area_name = area.name if area else CITY_NAME
        all_towns = [t for a in AREAS for t, _ in a.towns]
        own_towns = [t for t, _ in area.towns] if area and area.towns else all_towns
        stems = [t.removesuffix("街道").removesuffix("镇").removesuffix("乡") for t in own_towns]
        t1, t2 = rng.sample(stems, 2)
        parks = area.parks if area and area.parks else ["", ""]
        scenic = SCENIC.get(area_key) or SCENIC["city"]
        values = {
            "area": area_name,
            "town": town_name or (rng.choice(parks) if area else ""),
            "t1": t1,
            "t2": t2,
            "park": rng.choice(parks),
            "n": rng.choice((2, 3, 5, 6, 8, 10, 12, 15, 20, 30)),
            "x": rng.choice(template.choices) if template.choices else "",
            "river": rng.choice(RIVERS),
            "scenic": rng.choice(scenic),
            "cn": rng.choice(CN_NUMERALS),
            "phase": rng.choice(PHASES) if rng.random() < 0.4 else "",
            "company": "",
        }
        return values, area_name

    # --- one project ---------------------------------------------------------------------------

    def generate(self) -> tuple[list[Project], list[ProjectMeta]]:
        projects, metas = [], []
        forced = min(12, self.count // 3)  # 泽州县's reporter needs a dozen projects to report on
        area_keys = [a.key for a in AREAS] + ["city"]
        area_weights = [a.weight * (1 - CITY_LEVEL_SHARE) for a in AREAS] + [CITY_LEVEL_SHARE]
        for i in range(self.count):
            if i < forced:
                area_key, stage = "zezhou", Stage.CONSTRUCTION
            else:
                area_key = self.rng.choices(area_keys, area_weights)[0]
                stage = self.rng.choices([s for s, _ in STAGE_MIX], [w for _, w in STAGE_MIX])[0]
            project, meta = self._project(area_key, stage)
            projects.append(project)
            metas.append(meta)
        return projects, metas

    def _project(self, area_key: str, stage: str) -> tuple[Project, ProjectMeta]:
        rng, tree = self.rng, self.tree
        bias = AREA_INDUSTRY_BIAS.get(area_key, {})
        profiles = [p for p in PROFILES if area_key != "city" or p.industry in CITY_LEVEL_INDUSTRIES]
        profile = rng.choices(profiles, [p.weight * bias.get(p.industry, 1.0) for p in profiles])[0]
        templates = [t for t in profile.templates if area_key != "city" or "{town}" not in t.pattern]
        template = rng.choices(templates, [t.weight for t in templates])[0]
        industry = profile.industry

        area = AREA_BY_KEY.get(area_key)
        towns = tree.towns.get(area_key, [])
        town = None
        if towns and ("{town}" in template.pattern or rng.random() < 0.7):
            town = rng.choice(towns)
        values, area_name = self._fill(template, area_key, town.name if town else None)
        unit, credit_code, unit_kind = self._unit(template, area_key)
        values["company"] = unit.removesuffix("有限公司") if unit_kind == "ent" else unit
        name = template.pattern.format(**values)
        name = self._unique_name(name, area_key)
        content = template.content.format(**values)

        total = self._total(template)
        if stage in (Stage.RESERVE, Stage.PREWORK) and rng.random() < 0.3:
            total = min(2_000_000, total * 2)  # the pool holds more big ideas than the sites do
        duration = int(min(48, max(6, 4 + 8 * math.log10(total / 500) + rng.randint(-2, 4))))
        meta = ProjectMeta(
            area_key=area_key,
            profile_progress=profile.progress,
            duration_months=duration,
            performance=min(1.4, max(0.45, rng.lognormvariate(0, 0.25))),
            entry_date=self.today,
            prework_date=None,
            unit_kind=unit_kind,
        )
        dates = self._dates(stage, duration, meta)

        is_private = unit_kind == "ent" and rng.random() < 0.85
        is_industrial = industry in (Industry.INDUSTRY, Industry.ENERGY)
        is_industry_project = (
            industry
            in (
                Industry.INDUSTRY,
                Industry.ENERGY,
                Industry.AGRICULTURE,
                Industry.TOURISM,
                Industry.SERVICE,
                Industry.OTHER,
            )
            and unit_kind not in GOV_UNITS
        )
        is_high_tech = template.high_tech and unit_kind in ("ent", "soe") and rng.random() < 0.7
        is_attraction = is_private and rng.random() < 0.45
        signing_date = None
        if is_attraction:
            anchor = dates.get("planned_start") or meta.entry_date
            signing_date = min(self.yesterday, anchor - dt.timedelta(days=rng.randint(60, 400)))
        renovation = "改造" in name or "提升" in name or "加固" in name

        county = tree.city if area_key == "city" else tree.areas[area_key]
        department = tree.departments[template.dept]
        if area_key == "city":
            reporting_unit = department
            bbox = CITY_BBOX
        else:
            reporting_unit = county
            bbox = area.bbox
        division = area.division_code if area else CITY_DIVISION
        code = ""
        if meta.prework_date or (stage == Stage.RESERVE and rng.random() < 0.3):
            code_day = meta.prework_date or meta.entry_date
            code = self._project_code(industry, division, code_day, unit_kind)

        key_level = self._key_level(total, stage)
        leader, leader_name = self._leader(area_key, industry, key_level, stage, total)
        funding = self._funding(total, unit_kind, industry, is_private)
        place = values["town"] or area_name
        address = f"{area_name}{place if place != area_name else ''}" + rng.choice(VILLAGES)
        project = Project(
            code=code,
            name=name,
            content=content,
            nature=Nature.EXPANSION
            if renovation
            else rng.choices([Nature.NEW, Nature.CONTINUING, Nature.OTHER], [0.85, 0.12, 0.03])[0],
            county=county,
            town=town,
            address=address[:200],
            longitude=Decimal(f"{rng.uniform(bbox[2], bbox[3]):.6f}"),
            latitude=Decimal(f"{rng.uniform(bbox[0], bbox[1]):.6f}"),
            construction_unit=unit,
            credit_code=credit_code,
            department=department,
            reporting_unit=reporting_unit,
            manager=person_name(rng),
            manager_phone=phone_number(rng),
            industry=industry,
            is_industry_project=is_industry_project,
            is_industrial=is_industrial,
            is_private=is_private,
            is_high_tech=is_high_tech,
            is_transformation=(is_industrial and rng.random() < 0.6)
            or (is_industry_project and rng.random() < 0.15),
            is_six_new=is_high_tech and rng.random() < 0.7,
            is_two_new_one_heavy=(
                industry in (Industry.TRANSPORT, Industry.WATER, Industry.URBAN, Industry.SOCIAL)
                and rng.random() < 0.6
            )
            or (industry == Industry.INDUSTRY and renovation and rng.random() < 0.5),
            is_investment_attraction=is_attraction,
            signing_date=signing_date,
            is_ppp=unit_kind == "soe"
            and industry in (Industry.URBAN, Industry.WATER)
            and rng.random() < 0.15,
            key_level=key_level,
            liaison_leader=leader,
            liaison_leader_name=leader_name,
            total_investment=as_money(total),
            stage=stage,
            created_at=aware(meta.entry_date, 9, rng.randrange(60)),
            updated_at=aware(meta.stage_path[-1][1], 17, rng.randrange(60)),
            **funding,
            **dates,
        )
        return project, meta

    def _unique_name(self, name: str, area_key: str) -> str:
        """Ledgers tell same-named works apart by phase or by section; a number is the last resort."""
        candidates = [] if name.endswith("期") else [name + phase for phase in ("二期", "三期", "四期")]
        area = AREA_BY_KEY.get(area_key)
        sections = (
            [t for t, _ in area.towns] if area and area.towns else [t for a in AREAS for t, _ in a.towns]
        )
        for town in self.rng.sample(sections, min(4, len(sections))):
            candidates.append(
                f"{name}（{town}段）" if "路" in name or "管网" in name else f"{name}（{town}）"
            )
        for candidate in [name, *candidates]:
            if candidate not in self.names:
                break
        k = 2
        base = candidate
        while candidate in self.names:
            candidate = f"{base}（{k}）"
            k += 1
        self.names.add(candidate)
        return candidate

    def _dates(self, stage: str, duration: int, meta: ProjectMeta) -> dict:
        """Dates consistent with the stage; nothing actual after yesterday. Fills meta's stage path."""
        rng, today = self.rng, self.today
        before = stage
        if stage == Stage.SUSPENDED:
            before = Stage.CONSTRUCTION if rng.random() < 0.7 else Stage.PREWORK
        elif stage == Stage.CANCELLED:
            before = Stage.PREWORK if rng.random() < 0.6 else Stage.RESERVE

        d: dict = {
            "planned_start": None,
            "planned_completion": None,
            "actual_start": None,
            "actual_completion": None,
            "operation_date": None,
        }
        if before in (Stage.COMPLETED, Stage.OPERATION):
            completion = today - dt.timedelta(days=rng.randint(30, 900))
            start = completion - dt.timedelta(days=round(duration * 30.44 * rng.uniform(0.8, 1.2)))
            d["actual_start"], d["actual_completion"] = start, completion
            if before == Stage.OPERATION:
                d["operation_date"] = min(
                    self.yesterday, completion + dt.timedelta(days=rng.randint(15, 200))
                )
        elif before == Stage.CONSTRUCTION:
            # Sites opened over the last three years; a long-running one is a bigger job (or overdue).
            months_ago = rng.uniform(0.3, 40)
            if months_ago > duration - 1 and rng.random() < 0.8:
                duration = int(months_ago) + rng.randint(2, 14)
                meta.duration_months = duration
            start = min(
                self.yesterday - dt.timedelta(days=3), today - dt.timedelta(days=round(months_ago * 30.44))
            )
            d["actual_start"] = start
        if d["actual_start"]:
            start = d["actual_start"]
            d["planned_start"] = min(
                today + dt.timedelta(days=30), start + dt.timedelta(days=rng.randint(-45, 60))
            )
            meta.prework_date = start - dt.timedelta(days=rng.randint(60, 540))
        elif before == Stage.PREWORK:
            meta.prework_date = today - dt.timedelta(days=rng.randint(20, 540))
            d["planned_start"] = today + dt.timedelta(days=rng.randint(-150, 420))
        elif rng.random() < 0.7:  # reserve: a hoped-for start, or none yet
            d["planned_start"] = today + dt.timedelta(days=rng.randint(60, 900))
        if d["planned_start"]:
            d["planned_completion"] = add_months(d["planned_start"], duration)
        first = meta.prework_date or today
        meta.entry_date = min(first, self.yesterday) - dt.timedelta(days=rng.randint(30, 400))

        path = [(Stage.RESERVE, meta.entry_date)]
        if meta.prework_date:
            path.append((Stage.PREWORK, meta.prework_date))
        if d["actual_start"]:
            path.append((Stage.CONSTRUCTION, d["actual_start"]))
        if d["actual_completion"]:
            path.append((Stage.COMPLETED, d["actual_completion"]))
        if d["operation_date"]:
            path.append((Stage.OPERATION, d["operation_date"]))
        d["stage_before_suspension"] = ""
        d["stage_reason"] = ""
        if stage in (Stage.SUSPENDED, Stage.CANCELLED):
            since = path[-1][1] + dt.timedelta(days=30)
            end = since + dt.timedelta(days=rng.randint(0, max(0, (self.yesterday - since).days)))
            end = min(end, self.yesterday)
            path.append((stage, end))
            meta.end_date = end
            d["stage_reason"] = rng.choice(STAGE_REASONS[stage])
            if stage == Stage.SUSPENDED:
                d["stage_before_suspension"] = before
        else:
            meta.end_date = d["actual_completion"]
        meta.stage_path = path
        return d

    def _key_level(self, total: int, stage: str) -> str:
        r = self.rng.random()
        if stage == Stage.RESERVE and r > 0.1:
            return KeyLevel.NONE
        if total >= 100_000 and r < 0.3:
            return KeyLevel.PROVINCE_PROVINCE if self.rng.random() < 0.4 else KeyLevel.PROVINCE_CITY
        if total >= 20_000 and r < 0.55:
            return KeyLevel.CITY
        if total >= 5_000 and r < 0.5:
            return KeyLevel.COUNTY
        return KeyLevel.NONE

    def _leader(self, area_key, industry, key_level, stage, total):
        rng = self.rng
        if key_level:
            chance = 1.0
        elif stage == Stage.RESERVE:
            chance = 0.2
        else:
            chance = 0.6
        if rng.random() >= chance:
            return None, ""
        if rng.random() < 0.03 and self.unmatched_leaders:  # a ledger name not in the leader list
            return None, rng.choice(self.unmatched_leaders)
        city_level = area_key == "city" or key_level in (
            KeyLevel.PROVINCE_PROVINCE,
            KeyLevel.PROVINCE_CITY,
            KeyLevel.CITY,
        )
        group = self.tree.leaders["city" if city_level else area_key]
        if city_level and key_level == KeyLevel.PROVINCE_PROVINCE and total >= 300_000:
            chosen = group[0]  # the mayor takes the biggest provincial projects
        else:
            matching = [d for d in group if industry in d.domains] or [group[1]]
            chosen = rng.choice(matching)
        return chosen.leader, chosen.leader.name


# --- children of the projects -------------------------------------------------------------------


def stage_changes(projects: list[Project], metas: list[ProjectMeta], actor_for) -> list:
    """StageChange rows (as `fastinsert.row`s): one per step the project took."""
    rows = []
    for project, meta in zip(projects, metas, strict=True):
        previous = ""
        actor = actor_for(project)
        actor_id = actor.pk if actor else None
        ends = governing_ends([(i, aware(day, 10), day) for i, (_stage, day) in enumerate(meta.stage_path)])
        for i, (stage, day) in enumerate(meta.stage_path):
            reason = project.stage_reason if stage in (Stage.SUSPENDED, Stage.CANCELLED) else ""
            rows.append(
                row(
                    StageChange,
                    project_id=project.pk,
                    from_stage=previous,
                    to_stage=stage,
                    actor_id=actor_id,
                    at=aware(day, 10),
                    reason=reason,
                    effective_date=day,
                    ended_on=ends[i],
                )
            )
            previous = stage
    return rows


def annual_plans(projects, metas, rng: random.Random, today: dt.date) -> list:
    """Plans for the three years up to this one: 新开工 or 续建 as the start dates say."""
    rows = []
    years = range(today.year - 2, today.year + 1)
    for project, meta in zip(projects, metas, strict=True):
        start = project.actual_start
        planned = project.planned_start
        if start is None and (planned is None or project.stage not in (Stage.PREWORK,)):
            continue
        monthly = int(project.total_investment) / meta.duration_months
        end_year = meta.end_date.year if meta.end_date else None
        first_year = start.year if start else planned.year
        for year in years:
            if year < first_year or (end_year is not None and year > end_year):
                continue
            if start is None and year < planned.year:
                continue
            if start is None and planned.year < today.year and year != today.year:
                # a missed start in an earlier year is planned again this year
                if year != planned.year:
                    continue
            is_new = start is None or start.year == year
            if is_new:
                if planned and planned.year == year:
                    month = planned.month
                elif start and start.year == year:
                    month = start.month
                else:
                    month = (
                        rng.randint(max(1, today.month - 3), 12) if year == today.year else rng.randint(3, 9)
                    )
                active_months = 13 - month
            else:
                month = None
                active_months = 12
            finish = project.actual_completion or project.planned_completion
            completes = bool(finish and finish.year == year)
            if completes:
                active_months = max(1, min(active_months, finish.month - (month or 1) + 1))
            amount = max(50, int(monthly * active_months * rng.uniform(0.8, 1.15)))
            amount = min(amount, int(project.total_investment))
            meta.plans[year] = amount
            rows.append(
                row(
                    AnnualPlan,
                    project_id=project.pk,
                    year=year,
                    planned_investment=as_money(amount),
                    is_new=is_new,
                    planned_start_month=month,
                    completes_this_year=completes,
                    milestones=_milestones(rng, month, completes),
                )
            )
    return rows


def _milestones(rng: random.Random, start_month: int | None, completes: bool) -> str:
    steps = []
    first = start_month or rng.choice((2, 3))
    steps.append(f"{first}月{'开工' if start_month else '复工'}")
    if first < 7:
        steps.append(
            f"{rng.randint(first + 1, 9)}月{rng.choice(['主体封顶', '路基完成', '设备进场', '主体完工'])}"
        )
    steps.append(
        "12月竣工" if completes else f"12月{rng.choice(['完成年度投资', '设备安装完成', '完成主体工程'])}"
    )
    return "，".join(steps)


def approvals(projects, metas, rng: random.Random, today: dt.date) -> list:
    kinds = list(ApprovalKind.objects.filter(is_active=True).order_by("sort_order"))
    rows = []
    for project, meta in zip(projects, metas, strict=True):
        if not meta.prework_date:
            continue
        total = int(project.total_investment)
        not_needed = set(NOT_NEEDED.get(project.industry, set()))
        if any(w in project.name for w in ("改造", "提升", "加固")):
            not_needed |= NOT_NEEDED["renovation"]
        needed = [k for k in kinds if k.code not in not_needed]
        started = project.actual_start is not None
        if started:
            done_count = len(needed)
        else:
            done_count = int(len(needed) * rng.uniform(0.1, 0.9))
        span_end = (project.actual_start - dt.timedelta(days=5)) if started else today - dt.timedelta(days=1)
        span_start = meta.prework_date
        span = max(1, (span_end - span_start).days)
        done_dates = sorted(span_start + dt.timedelta(days=rng.randint(0, span)) for _ in range(done_count))
        leader = project.liaison_leader_name
        for kind in kinds:
            if kind.code in not_needed:
                rows.append(
                    row(
                        Approval,
                        project_id=project.pk,
                        kind_id=kind.pk,
                        level=ApprovalLevel.COUNTY,
                        status=ApprovalStatus.NOT_APPLICABLE,
                        note="本项目不涉及",
                    )
                )
                continue
            index = needed.index(kind)
            if index < done_count:
                status, actual = ApprovalStatus.DONE, done_dates[index]
                planned_day = actual - dt.timedelta(days=rng.randint(-20, 30))
            elif index == done_count:
                status, actual = ApprovalStatus.IN_PROGRESS, None
                planned_day = today + dt.timedelta(days=rng.randint(-20, 90))  # some already overdue
            else:
                status, actual = ApprovalStatus.NOT_STARTED, None
                planned_day = today + dt.timedelta(days=rng.randint(60, 240))
            rows.append(
                row(
                    Approval,
                    project_id=project.pk,
                    kind_id=kind.pk,
                    level=_approval_level(kind.code, total, meta.area_key),
                    status=status,
                    planned_date=planned_day,
                    actual_date=actual,
                    responsible_leader=leader,
                    handler=person_name(rng),
                )
            )
    return rows


def _approval_level(code: str, total: int, area_key: str) -> str:
    if code in ("project_approval", "environment", "energy"):
        if total >= 500_000:
            return ApprovalLevel.NATIONAL if code == "project_approval" else ApprovalLevel.PROVINCE
        if total >= 100_000:
            return ApprovalLevel.PROVINCE
        if total >= 20_000 or area_key == "city":
            return ApprovalLevel.CITY
        return ApprovalLevel.COUNTY
    if code == "land" and total >= 50_000:
        return ApprovalLevel.PROVINCE
    return ApprovalLevel.CITY if area_key == "city" else ApprovalLevel.COUNTY
