import importlib.util
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


def _load_builders():
    spec = importlib.util.spec_from_file_location("import_fixture_builders", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builders = _load_builders()


@pytest.fixture
def fixture_bytes():
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read


@pytest.fixture
def leaders(world):
    """泽州县's 专班 leaders from seed 004 (a subset)."""
    from projects.models import Leader

    return {
        name: Leader.objects.create(name=name, title=title, organisation=world.zezhou)
        for name, title in [("魏连明", "副县长"), ("武小雅", "县长"), ("马丰", "副县长")]
    }
