"""Test settings. DATABASE_URL selects PostgreSQL (CI) or the SQLite default."""

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run eagerly in tests unless a test talks to the broker on purpose (tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = True
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
