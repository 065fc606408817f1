from django.db import migrations

ROLES = [
    ("reporter", "填报员"),
    ("reviewer", "审核员"),
    ("office", "专班办公室"),
    ("leader", "领导"),
    ("statistics", "统计局"),
    ("admin", "管理员"),
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
