import datetime as dt
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """ "2026-12-04 09:00" in Asia/Shanghai."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """`dispatch("2026-12-04 09:00")`: one sweep at that moment, jobs run in process (run_dispatch)."""
    from scheduling import services

    def run(when: str):
        with django_capture_on_commit_callbacks(execute=True):
            result = services.sweep(now=at(when), inline=True)
        return result

    return run
