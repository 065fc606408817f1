from django.db import migrations


def install(apps, schema_editor):
    from scheduling.defaults import DEFAULT_SCHEDULES

    Schedule = apps.get_model("scheduling", "Schedule")
    for order, row in enumerate(DEFAULT_SCHEDULES, start=1):
        Schedule.objects.get_or_create(code=row["code"], defaults={**row, "sort_order": order * 10})


def uninstall(apps, schema_editor):
    from scheduling.defaults import DEFAULT_SCHEDULES

    apps.get_model("scheduling", "Schedule").objects.filter(code__in=[r["code"] for r in DEFAULT_SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_seed_workdays")]
    operations = [migrations.RunPython(install, uninstall)]
