"""Test settings. DATABASE_URL selects PostgreSQL (CI) or the SQLite default."""

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks are queued, not run, in tests, so a task queued outside `transaction.on_commit` cannot
# hide; a test that means to run them asks for the `celery_eager` fixture (tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = False
# Never the shared Redis: a test that needs a real broker builds its own app on REDIS_URL.
CELERY_BROKER_URL = "memory://"
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": None}
STATIC_ROOT = None  # whitenoise serves from the finders in tests; no collectstatic needed
# Tests never share a cache with other runs (a Redis cache would outlive the test database).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
