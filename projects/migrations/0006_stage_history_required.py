import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_stage_history_dates")]

    operations = [
        migrations.AlterField(
            model_name="stagechange",
            name="effective_date",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="生效日期"),
        ),
        migrations.AddIndex(
            model_name="stagechange",
            index=models.Index(fields=["project", "to_stage", "effective_date"], name="stagechange_project_stage"),
        ),
    ]
