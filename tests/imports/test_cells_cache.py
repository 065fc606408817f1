"""The parsed-cells cache survives deploys: stale or unreadable entries are parsed again."""

import pickle
from pathlib import Path

import pytest
from django.core.cache import cache

from projects.importing import analysis

pytestmark = pytest.mark.django_db

MESSY = Path(__file__).parent.parent / "fixtures" / "imports" / "messy_ledger.xlsx"


def test_an_entry_that_cannot_be_unpickled_is_read_again(monkeypatch):
    data = MESSY.read_bytes()
    fresh = analysis._read_cells(data)

    def broken_get(key, default=None):
        raise pickle.UnpicklingError("written by an older deploy")

    monkeypatch.setattr(cache, "get", broken_get)
    again = analysis._read_cells(data)
    assert [s.title for s in again] == [s.title for s in fresh]
    assert len(again[0].rows) == len(fresh[0].rows) > 0


def test_the_cache_key_carries_the_parser_version():
    assert len(analysis._PARSER_VERSION) == 12
    data = MESSY.read_bytes()
    cache.clear()
    analysis._read_cells(data)
    assert any(analysis._PARSER_VERSION in k for k in cache._cache.keys())


def test_preview_and_commit_work_with_redis_down(world, client_for, settings):
    """A real RedisCache on a port nothing listens on: the import parses again, no 500 (issue 14)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from projects.models import ImportBatch, Project

    # The settings fixture sends setting_changed, which makes `cache` (a proxy) use this one.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with pytest.raises(Exception):  # noqa: B017 — the premise: this cache really is unreachable
        analysis.cache.get("anything")
    client = client_for("office")
    response = client.post(
        reverse("projects:import_list"),
        {"file": SimpleUploadedFile("台账.xlsx", MESSY.read_bytes()), "year": 2025},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    committed = client.post(reverse("projects:import_commit", args=[ImportBatch.objects.get().pk]))
    assert committed.status_code == 302
    assert Project.objects.filter(name="巴公镇高端装备制造产业园").exists()
