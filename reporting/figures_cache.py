"""When published figures change: a generation number per year that pages caching figures put in
their cache keys (the dashboards, the ranking, the dashboard API).

Approving or correcting a report of year Y bumps Y and Y+1 (next year's 同比 reads Y), so every
cached figure of those years is recomputed on its next read; other years stay cached. Changes that
move figures without a report (plans, stage changes) show when the entry expires (`FIGURES_CACHE_SECONDS`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def _key(year: int) -> str:
    return f"figures-generation:{int(year)}"


def generation(year: int) -> int:
    return cache.get(_key(year)) or 0


def bump(*years: int) -> None:
    for year in set(years):
        try:
            cache.incr(_key(year))
        except ValueError:  # not there yet (or evicted): start over from a new number
            cache.set(_key(year), generation(year) + 1, timeout=None)


def seconds() -> int:
    return int(getattr(settings, "FIGURES_CACHE_SECONDS", 600))


def key(*parts) -> str:
    """A cache key for figures of `year` (the first part after the name): carries its generation."""
    name, year, *rest = parts
    return ":".join(str(p) for p in (name, year, generation(year), *rest))
