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
