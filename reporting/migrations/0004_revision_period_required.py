from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_revision_period")]

    operations = [
        migrations.AlterField(
            model_name="reportrevision",
            name="project",
            field=models.ForeignKey(on_delete=models.deletion.CASCADE, related_name="+", to="projects.project"),
        ),
        migrations.AlterField(
            model_name="reportrevision",
            name="year",
            field=models.PositiveSmallIntegerField(verbose_name="年度"),
        ),
        migrations.AlterField(
            model_name="reportrevision",
            name="month",
            field=models.PositiveSmallIntegerField(verbose_name="月份"),
        ),
        migrations.AddIndex(
            model_name="reportrevision",
            index=models.Index(fields=["year", "month", "project"], name="revision_period_project"),
        ),
    ]
