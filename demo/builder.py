"""`build_demo`: the whole demo city in one transaction, inserted with bulk_create in batches."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import connection, transaction

from accounts import audit
from accounts.choices import AuditAction
from projects.models import AnnualPlan, Approval, Project, StageChange
from reporting.models import MonthlyReport, ReportPhoto, ReportRevision

from .fastinsert import insert_instances
from .geography import AREAS
from .projects import ProjectGenerator, annual_plans, approvals, stage_changes
from .reports import ReportBuilder
from .tree import build_tree

SEED = 20250101
DEFAULT_PROJECTS = 1600
REPORT_CHUNK = 1000  # projects whose reports are built and inserted together (bounds memory)

# Tables emptied by `--force`, children first. Emptied with one DELETE each: the ORM's cascade
# collector would load every report of a 20,000-project city into memory first.
DEMO_TABLES = (ReportPhoto, ReportRevision, MonthlyReport, Approval, AnnualPlan, StageChange)


def demo_data_exists() -> bool:
    return Project.objects.exists()


def wipe_projects() -> None:
    """Delete every project and its records (reports, revisions, plans, approvals, history)."""
    for model in DEMO_TABLES:
        referenced_elsewhere = any(
            rel.related_model not in DEMO_TABLES for rel in model._meta.related_objects
        )
        if referenced_elsewhere:  # another app hangs rows on it: let the ORM apply their on_delete
            model.objects.all().delete()
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    # Other apps' rows that hang on projects go through the ORM so their on_delete rules apply.
    Project.objects.all().delete()


@transaction.atomic
def build_demo(
    *,
    projects: int = DEFAULT_PROJECTS,
    today: dt.date,
    seed: int = SEED,
    log: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Build the demo city. Returns the number of rows of each kind created."""
    log = log or (lambda message: None)
    started = time.perf_counter()

    def step(message):
        log(f"  {time.perf_counter() - started:6.1f}s  {message}")

    tree = build_tree(seed)
    step("组织机构、领导、用户")

    last_id = Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = random.Random(seed)
    generator = ProjectGenerator(tree=tree, rng=rng, today=today, count=projects)
    project_rows, metas = generator.generate()
    insert_instances(Project, project_rows)
    # Names are unique within the demo: read the new ids back by name.
    ids = dict(Project.objects.filter(pk__gt=last_id).values_list("name", "pk"))
    for project in project_rows:
        project.pk = ids[project.name]
        project._state.adding = False
    step(f"项目 {len(project_rows)}")

    unit_users = _unit_users(tree)

    def reporter_for(project):
        return unit_users.get(project.reporting_unit_id, (None, None))[0]

    def reviewer_for(project):
        return unit_users.get(project.reporting_unit_id, (None, None))[1]

    changes = stage_changes(project_rows, metas, reporter_for)
    insert_instances(StageChange, changes)
    plans = annual_plans(project_rows, metas, rng, today)
    insert_instances(AnnualPlan, plans)
    approval_rows = approvals(project_rows, metas, rng, today)
    insert_instances(Approval, approval_rows)
    step(f"阶段变更 {len(changes)}，年度计划 {len(plans)}，前期手续 {len(approval_rows)}")

    builder = ReportBuilder(today=today, seed=seed, reporter_for=reporter_for, reviewer_for=reviewer_for)
    report_count = revision_count = 0
    for chunk_start in range(0, len(project_rows), REPORT_CHUNK):
        reports, revisions = [], []
        chunk = range(chunk_start, min(chunk_start + REPORT_CHUNK, len(project_rows)))
        for index in chunk:
            r, v = builder.build(project_rows[index], metas[index], index)
            reports.extend(r)
            revisions.extend(v)
        insert_instances(MonthlyReport, reports)
        # The revisions need their report's id: read the ids back by (project, year, month).
        ids = {
            (project_id, year, month): pk
            for pk, project_id, year, month in MonthlyReport.objects.filter(
                project_id__in=[project_rows[i].pk for i in chunk]
            ).values_list("pk", "project_id", "year", "month")
        }
        for revision in revisions:
            report = revision.report
            revision.report_id = ids[(report.project_id, report.year, report.month)]
        insert_instances(ReportRevision, revisions)
        report_count += len(reports)
        revision_count += len(revisions)
    step(f"月度进展 {report_count}，审核版本 {revision_count}")

    counts = {
        "organisations": 1
        + len(tree.areas)
        + sum(len(t) for t in tree.towns.values())
        + len(tree.departments),
        "leaders": sum(len(group) for group in tree.leaders.values()),
        "users": len(tree.users),
        "projects": len(project_rows),
        "stage_changes": len(changes),
        "annual_plans": len(plans),
        "approvals": len(approval_rows),
        "monthly_reports": report_count,
        "report_revisions": revision_count,
    }
    audit.record(
        actor=None,
        action=AuditAction.IMPORT,
        instance=tree.city,
        message="演示数据",
        changes={"seed": seed, "today": today.isoformat(), **counts},
    )
    return counts


def _unit_users(tree) -> dict[int, tuple]:
    """Reporting unit id → (reporter, reviewer) personas of that unit."""
    result = {}
    for area in AREAS:
        org = tree.areas[area.key]
        result[org.pk] = (tree.users.get(area.key), tree.users.get(f"{area.key}_head"))
    for key, org in tree.departments.items():
        if key in tree.users:
            result[org.pk] = (tree.users[key], tree.users.get(f"{key}_head"))
    return result
