"""Revisions carry their project and month, and when the next approval superseded them."""

from django.db import migrations, models


def fill(apps, schema_editor):
    ReportRevision = apps.get_model("reporting", "ReportRevision")
    previous = None
    changed = []
    for rev in ReportRevision.objects.select_related("report").order_by("report_id", "revision"):
        rev.project_id = rev.report.project_id
        rev.year = rev.report.year
        rev.month = rev.report.month
        rev.superseded_at = None
        if previous is not None and previous.report_id == rev.report_id:
            previous.superseded_at = rev.approved_at
        changed.append(rev)
        previous = rev
    ReportRevision.objects.bulk_update(changed, ["project", "year", "month", "superseded_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_stage_history_required"),
        ("reporting", "0002_move_content_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportrevision",
            name="project",
            field=models.ForeignKey(
                null=True, on_delete=models.deletion.CASCADE, related_name="+", to="projects.project"
            ),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="年度"),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="month",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="月份"),
        ),
        migrations.AddField(
            model_name="reportrevision",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="被更正时间"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
