from io import StringIO

from django.core.management import call_command

from projects.models import ImportBatch, Project


def test_bench_import_prints_figures_and_cleans_up(world):
    out = StringIO()
    call_command("bench_import", rows=12, stdout=out)
    text = out.getvalue()
    assert "→ create 12, update 0, unchanged 0, errors 0" in text
    assert "→ create 0, update 12, unchanged 0, errors 0" in text
    assert "→ create 0, update 0, unchanged 12, errors 0" in text
    assert "process peak resident memory" in text
    assert Project.objects.count() == 3 and not ImportBatch.objects.exists()


def test_bench_import_builds_a_minimal_tree_on_an_empty_database(db):
    out = StringIO()
    call_command("bench_import", rows=5, stdout=out)
    assert "creating a minimal 晋城市 one" in out.getvalue()
    assert "→ create 5," in out.getvalue()
