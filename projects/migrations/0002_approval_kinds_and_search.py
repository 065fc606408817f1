from django.db import migrations

KINDS = [
    ("project_approval", "立项（审批/核准/备案）"),
    ("planning_site", "规划选址"),
    ("land", "用地预审/用地批准"),
    ("environment", "环评"),
    ("energy", "能评（节能审查）"),
    ("soil_water", "水保"),
    ("planning_permit", "工程规划许可"),
    ("construction_permit", "施工许可"),
]

# Trigram indexes make `LIKE '%term%'` on these columns fast on PostgreSQL (terms of 3+ characters).
TRGM_COLUMNS = ["name", "code", "construction_unit"]


def add_kinds(apps, schema_editor):
    ApprovalKind = apps.get_model("projects", "ApprovalKind")
    for i, (code, name) in enumerate(KINDS, start=1):
        ApprovalKind.objects.update_or_create(code=code, defaults={"name": name, "sort_order": i * 10})


def add_trgm(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for col in TRGM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS project_{col}_trgm ON projects_project USING gin ({col} gin_trgm_ops)"
        )


def drop_trgm(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for col in TRGM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS project_{col}_trgm")


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [
        migrations.RunPython(add_kinds, migrations.RunPython.noop),
        migrations.RunPython(add_trgm, drop_trgm),
    ]
