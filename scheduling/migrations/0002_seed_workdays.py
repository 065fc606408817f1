"""Seed the working-day table for 2024–2026 from the `chinesecalendar` package."""

from django.db import migrations

YEARS = (2024, 2025, 2026)


def seed(apps, schema_editor):
    from scheduling.calendar import arrangement_from_package

    Workday = apps.get_model("scheduling", "Workday")
    rows = []
    for year in YEARS:
        try:
            arrangement = arrangement_from_package(year)
        except NotImplementedError:
            continue
        rows += [Workday(date=d, is_working_day=w, name=n) for d, w, n in arrangement]
    Workday.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("scheduling", "Workday").objects.filter(date__year__in=YEARS).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_dispatch")]
    operations = [migrations.RunPython(seed, unseed)]
