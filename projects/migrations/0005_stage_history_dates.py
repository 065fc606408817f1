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
REQUIRED_DATE = {"construction": "actual_start", "completed": "actual_completion", "operation": "operation_date"}
ONE_DAY = dt.timedelta(days=1)


def _ends(rows):
    ordered = sorted(rows, key=lambda r: (r.at, r.id))
    result = {}
    for i, row in enumerate(ordered):
        later = ordered[i + 1 :]
        if any(s.effective_date <= row.effective_date for s in later):
            result[row.id] = row.effective_date - ONE_DAY
            continue
        takeovers = [s.effective_date for s in later if s.effective_date > row.effective_date]
        result[row.id] = min(takeovers) if takeovers else None
    return result


def fill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    StageChange = apps.get_model("projects", "StageChange")
    dates = {
        p["id"]: p
        for p in Project.objects.values("id", "actual_start", "actual_completion", "operation_date")
    }
    rows_by_project = defaultdict(list)
    for row in StageChange.objects.order_by("project_id", "at", "id"):
        rows_by_project[row.project_id].append(row)
    for project_id, project in dates.items():
        rows = rows_by_project[project_id]
        for row in rows:
            if row.effective_date is None:
                field = REQUIRED_DATE.get(row.to_stage)
                day = project.get(field) if field else None
                row.effective_date = day or row.at.astimezone(SHANGHAI).date()
                row.save(update_fields=["effective_date"])
        if project["actual_start"] and not any(r.to_stage == "construction" for r in rows):
            first_at = min((r.at for r in rows), default=None)
            synthetic = StageChange.objects.create(
                project_id=project_id,
                from_stage="",
                to_stage="construction",
                at=(first_at - dt.timedelta(seconds=1)) if first_at else dt.datetime.now(dt.UTC),
                reason="按实际开工日期补记",
                effective_date=project["actual_start"],
            )
            rows.insert(0, synthetic)
        for row_id, end in _ends(rows).items():
            StageChange.objects.filter(pk=row_id).update(ended_on=end)


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
