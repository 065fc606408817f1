"""The demo's organisations, leaders and users: created when missing, reused when present, so a
second run (or `--force`) finds the same rows instead of duplicating them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from accounts.choices import OrgKind, RoleCode
from accounts.models import Organisation, Role, User
from projects.models import Leader

from .catalogue import PROFILES
from .geography import AREAS, CITY_DIVISION, CITY_NAME, DEPARTMENTS
from .people import (
    CITY_LEADER_TITLES,
    ZEZHOU_LEADER_TITLES,
    area_leader_titles,
    person_name,
    phone_number,
)

PASSWORD = "Demo@2025"
HEAD_TITLE = {
    OrgKind.COUNTY: "县长",
    OrgKind.COUNTY_CITY: "市长",
    OrgKind.DISTRICT: "区长",
    OrgKind.ZONE: "管委会主任",
}
# Departments with their own login pair: every department that leads a demo project.
REPORTING_DEPARTMENTS = sorted({t.dept for p in PROFILES for t in p.templates})


@dataclass
class DemoLeader:
    leader: Leader
    domains: tuple[str, ...]


@dataclass
class Tree:
    city: Organisation
    areas: dict[str, Organisation]  # area key → org
    towns: dict[str, list[Organisation]]  # area key → its towns in code order
    departments: dict[str, Organisation]  # department key → org
    leaders: dict[str, list[DemoLeader]]  # "city" or area key → leaders, head first
    users: dict[str, User]


def _ensure_orgs(existing: dict, specs: list[dict]) -> list[Organisation]:
    """Create the organisations in `specs` that are missing (matched on parent and name).

    The path is computed as `accounts.services.organisation_save` does: parent.path + "<pk>/".
    """
    missing = []
    for spec in specs:
        parent = spec.get("parent")
        if (parent.pk if parent else None, spec["name"]) not in existing:
            missing.append(Organisation(**spec))
    if missing:
        Organisation.objects.bulk_create(missing)
        for org in missing:
            org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
            existing[(org.parent_id, org.name)] = org
        Organisation.objects.bulk_update(missing, ["path"])
    return [existing[(s["parent"].pk if s.get("parent") else None, s["name"])] for s in specs]


def build_tree(seed: int) -> Tree:
    existing = {(o.parent_id, o.name): o for o in Organisation.objects.all()}
    (city,) = _ensure_orgs(
        existing, [{"name": CITY_NAME, "kind": OrgKind.CITY, "division_code": CITY_DIVISION, "parent": None}]
    )
    area_orgs = _ensure_orgs(
        existing,
        [
            {
                "name": a.name,
                "short_name": a.short_name if a.short_name != a.name else "",
                "kind": a.kind,
                "division_code": a.division_code,
                "parent": city,
                "sort_order": i * 10,
            }
            for i, a in enumerate(AREAS, start=1)
        ],
    )
    areas = {a.key: org for a, org in zip(AREAS, area_orgs, strict=True)}
    towns = {}
    for area in AREAS:
        towns[area.key] = _ensure_orgs(
            existing,
            [
                {
                    "name": name,
                    "kind": OrgKind.TOWN,
                    "division_code": code,
                    "parent": areas[area.key],
                    "sort_order": i,
                }
                for i, (name, code) in enumerate(area.towns, start=1)
            ],
        )
    dept_orgs = _ensure_orgs(
        existing,
        [
            {
                "name": name,
                "short_name": short if short != name else "",
                "kind": OrgKind.DEPARTMENT,
                "parent": city,
                "sort_order": 100 + i,
            }
            for i, (name, short, _key) in enumerate(DEPARTMENTS, start=1)
        ],
    )
    departments = {key: org for (_n, _s, key), org in zip(DEPARTMENTS, dept_orgs, strict=True)}

    people_rng = random.Random(seed + 7)
    leaders = _build_leaders(people_rng, city, areas)
    users = _build_users(people_rng, city, areas, departments, leaders)
    return Tree(city, areas, towns, departments, leaders, users)


def _build_leaders(rng: random.Random, city, areas) -> dict[str, list[DemoLeader]]:
    wanted: list[tuple[str, Organisation, str, tuple[str, ...]]] = []
    for title, domains in CITY_LEADER_TITLES:
        wanted.append(("city", city, title, domains))
    for area in AREAS:
        org = areas[area.key]
        titles = (
            ZEZHOU_LEADER_TITLES
            if area.key == "zezhou"
            else area_leader_titles(area.kind, HEAD_TITLE[area.kind])
        )
        for title, domains in titles:
            wanted.append((area.key, org, title, domains))

    existing = {
        (ld.organisation_id, ld.name): ld
        for ld in Leader.objects.filter(organisation__in=[city, *areas.values()])
    }
    used_names: set[str] = set()
    result: dict[str, list[DemoLeader]] = {}
    to_create = []
    order_by_org: dict[int, int] = {}
    for key, org, title, domains in wanted:
        name = person_name(rng)
        while name in used_names:
            name = person_name(rng)
        used_names.add(name)
        order = order_by_org.get(org.pk, 0) + 1
        order_by_org[org.pk] = order
        leader = existing.get((org.pk, name))
        if leader is None:
            leader = Leader(name=name, title=title, organisation=org, sort_order=order)
            to_create.append(leader)
        result.setdefault(key, []).append(DemoLeader(leader, domains))
    Leader.objects.bulk_create(to_create)
    return result


@dataclass(frozen=True)
class Persona:
    username: str
    org: str  # "city", an area key or "dept:<key>"
    roles: tuple[str, ...]
    note: str
    staff: bool = False


def personas() -> list[Persona]:
    result = [
        Persona("office", "dept:fgw", (RoleCode.OFFICE,), "专班办公室（市发改委）"),
        Persona("leader", "city", (RoleCode.LEADER,), "市领导（常务副市长）"),
        Persona("stats", "dept:tjj", (RoleCode.STATISTICS,), "市统计局"),
        Persona("admin", "dept:fgw", (RoleCode.ADMIN,), "系统管理员", staff=True),
    ]
    for area in AREAS:
        result.append(Persona(area.key, area.key, (RoleCode.REPORTER,), f"{area.name}填报员"))
        result.append(Persona(f"{area.key}_head", area.key, (RoleCode.REVIEWER,), f"{area.name}审核员"))
    names = {key: name for name, _short, key in DEPARTMENTS}
    for key in REPORTING_DEPARTMENTS:
        result.append(Persona(key, f"dept:{key}", (RoleCode.REPORTER,), f"{names[key]}填报员"))
        result.append(Persona(f"{key}_head", f"dept:{key}", (RoleCode.REVIEWER,), f"{names[key]}审核员"))
    return result


def _build_users(rng, city, areas, departments, leaders) -> dict[str, User]:
    password = make_password(PASSWORD)  # hashed once: PBKDF2 per user would dominate a small build
    roles = {r.code: r for r in Role.objects.all()}
    existing = {u.username: u for u in User.objects.filter(username__in=[p.username for p in personas()])}
    users, new_users = {}, []
    for persona in personas():
        if persona.org == "city":
            org = city
        elif persona.org.startswith("dept:"):
            org = departments[persona.org[5:]]
        else:
            org = areas[persona.org]
        full_name = person_name(rng)
        phone = phone_number(rng)
        user = existing.get(persona.username)
        if user is None:
            user = User(username=persona.username, full_name=full_name, phone=phone)
            new_users.append(user)
        user.organisation = org
        user.password = password
        user.is_active = True
        user.is_staff = persona.staff
        user.is_superuser = persona.staff
        users[persona.username] = user
    known = [u for u in users.values() if u.pk is not None]
    User.objects.bulk_create(new_users)
    User.objects.bulk_update(
        known,
        ["organisation", "password", "is_active", "is_staff", "is_superuser"],
    )
    # Each persona holds exactly its roles, even if someone changed them since the last run.
    through = User.roles.through
    through.objects.filter(user__in=users.values()).delete()
    through.objects.bulk_create(
        [
            through(user_id=users[p.username].pk, role_id=roles[code].pk)
            for p in personas()
            for code in p.roles
        ]
    )
    # The leader persona is the 常务副市长 of the city: his 包联 projects are "my projects".
    deputy = leaders["city"][1].leader
    Leader.objects.filter(user=users["leader"]).exclude(pk=deputy.pk).update(user=None)
    if deputy.user_id != users["leader"].pk:
        deputy.user = users["leader"]
        deputy.save(update_fields=["user"])
    if users["leader"].full_name != deputy.name:
        users["leader"].full_name = deputy.name
        users["leader"].save(update_fields=["full_name"])
    return users
