"""Every stage-history row gets the day it took effect and the day another row took over.

Rows without a date take the project's own date for that stage (actual start, completion,
operation) or, failing that, the day they were recorded. A project that carries an actual start
but has no 在建 row (entered directly as 竣工, say) gets one dated by its start, recorded just
before its first row, so the months it was under construction owe reports.
"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import migrations, models

SHANGHAI = ZoneInfo("Asia/Shanghai")
REQUIRED_DATE = {
    "construction": "actual_start",
    "completed": "actual_completion",
    "operation": "operation_date",
}
ONE_DAY = dt.timedelta(days=1)


def _ends(rows):
    """`ended_on` per position in `rows` (see projects.history.governing_ends, frozen here)."""
    ordered = sorted(range(len(rows)), key=lambda i: (rows[i].at, rows[i].id or 0))
    result = {}
    for n, i in enumerate(ordered):
        effective = rows[i].effective_date
        later = [rows[k].effective_date for k in ordered[n + 1 :]]
        if any(day <= effective for day in later):
            result[i] = effective - ONE_DAY
        else:
            result[i] = min(later, default=None)
    return result


def fill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    StageChange = apps.get_model("projects", "StageChange")
    rows_by_project = defaultdict(list)
    for row in StageChange.objects.order_by("project_id", "at", "id"):
        rows_by_project[row.project_id].append(row)
    changed, created = [], []
    for project in Project.objects.values(
        "id", "actual_start", "actual_completion", "operation_date"
    ).iterator():
        rows = rows_by_project[project["id"]]
        for row in rows:
            if row.effective_date is None:
                field = REQUIRED_DATE.get(row.to_stage)
                row.effective_date = (project.get(field) if field else None) or row.at.astimezone(
                    SHANGHAI
                ).date()
        if project["actual_start"] and not any(r.to_stage == "construction" for r in rows):
            first_at = min((r.at for r in rows), default=None)
            synthetic = StageChange(
                project_id=project["id"],
                from_stage="",
                to_stage="construction",
                at=(first_at - dt.timedelta(seconds=1)) if first_at else dt.datetime.now(dt.UTC),
                reason="按实际开工日期补记",
                effective_date=project["actual_start"],
            )
            rows.insert(0, synthetic)
            created.append(synthetic)
        for i, end in _ends(rows).items():
            rows[i].ended_on = end
        changed.extend(r for r in rows if r.pk)
    StageChange.objects.bulk_create(created, batch_size=1000)
    StageChange.objects.bulk_update(changed, ["effective_date", "ended_on"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_move_reports_to_reporting")]

    operations = [
        migrations.AddField(
            model_name="stagechange",
            name="ended_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="截止日期"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
