# The monthly-report models now belong to the `reporting` app (reporting 0001 adds them to its
# state over the same tables). Here they only leave the projects state: no table is touched.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_revision_explanation'),
        ('reporting', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ReportPhoto'),
                migrations.DeleteModel(name='ReportRevision'),
                migrations.DeleteModel(name='MonthlyReport'),
            ],
            database_operations=[],
        ),
    ]
