"""Celery app. With REDIS_URL unset, CELERY_TASK_ALWAYS_EAGER runs tasks in-process (embedded default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("xmgj")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
