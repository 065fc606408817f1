# The report models' content types move from app_label "projects" to "reporting", keeping their
# ids, so every audit row (accounts.AuditLog's generic FK) and admin log entry still resolves.

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

MODELS = ("monthlyreport", "reportrevision", "reportphoto")


def _move(apps, schema_editor, old_label, new_label):
    db = schema_editor.connection.alias
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    AuditLog = apps.get_model("accounts", "AuditLog")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in MODELS:
        AuditLog.objects.using(db).filter(root_key__startswith=f"{old_label}.{model}:").update(
            root_key=Replace("root_key", Value(f"{old_label}.{model}:"), Value(f"{new_label}.{model}:"))
        )
        old = ContentType.objects.using(db).filter(app_label=old_label, model=model).first()
        if old is None:
            continue  # nothing recorded yet: post_migrate creates the new row
        new = ContentType.objects.using(db).filter(app_label=new_label, model=model).first()
        if new is not None:
            # Created by a post_migrate between the steps: fold it into the old row the history uses.
            AuditLog.objects.using(db).filter(content_type_id=new.pk).update(content_type_id=old.pk)
            LogEntry.objects.using(db).filter(content_type_id=new.pk).update(content_type_id=old.pk)
            Permission.objects.using(db).filter(content_type_id=new.pk).delete()
            new.delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "projects", "reporting")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "reporting", "projects")


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0001_initial'),
        ('projects', '0004_move_reports_to_reporting'),
        ('accounts', '0002_roles'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
