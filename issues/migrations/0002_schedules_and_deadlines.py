from django.db import migrations

SCHEDULES = [
    {
        "code": "ticket_daily",
        "name": "问题督办日清",
        "task_name": "issues.ticket_daily",
        "rhythm": "daily",
        "time": "08:30",
        "audience": "承办单位（临近节点提醒、逾期督办）；督办所至的领导（督办日报）；专班办公室",
        "title_template": "【问题督办】{period}",
        "body_template": "",
        "sort_order": 5,
    },
    {
        "code": "ticket_weekly",
        "name": "问题周报",
        "task_name": "issues.ticket_weekly",
        "rhythm": "weekly",
        "weekday": 4,
        "time": "08:40",
        "audience": "各承办单位（本单位未办结问题按办理时长分档）",
        "title_template": "【问题周报】{period}",
        "body_template": "",
        "sort_order": 35,
    },
]

DEFAULT_DAYS = {
    "procedures": 15,
    "land_clearance": 30,
    "financing": 20,
    "land_use": 30,
    "energy": 20,
    "environment": 20,
    "utilities": 15,
    "site": 5,
    "labour": 10,
    "other": 15,
}


def install(apps, schema_editor):
    Schedule = apps.get_model("scheduling", "Schedule")
    for row in SCHEDULES:
        Schedule.objects.get_or_create(code=row["code"], defaults=row)
    CategoryDeadline = apps.get_model("issues", "CategoryDeadline")
    for category, days in DEFAULT_DAYS.items():
        CategoryDeadline.objects.get_or_create(category=category, defaults={"working_days": days})


def uninstall(apps, schema_editor):
    apps.get_model("scheduling", "Schedule").objects.filter(code__in=[r["code"] for r in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial"), ("scheduling", "0003_default_schedules")]
    operations = [migrations.RunPython(install, uninstall)]
