"""Hostile workbooks (issue 14): refused from the archive's declared sizes and a streaming count,
before openpyxl parses anything, with a message, on both upload pages; nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo import hostile
from projects.choices import ImportKind, ImportStatus
from projects.importing import safety
from projects.importing.safety import UnsafeFile, check_xlsx
from projects.models import ImportBatch, Project

TOO_MANY = "文字条目过多或体积异常"
DAMAGED = "压缩包中记录的大小或校验值与内容不符"


@pytest.fixture
def no_parsing(monkeypatch):
    """openpyxl must never be reached: the refusal comes from the safety gate alone."""
    import openpyxl

    def parse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a hostile file")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)


CASES = {
    # 50 MB of ledger-like strings in a 1.8 MB upload: under the old 200 MB total, over the part limit
    "shared_strings_50mb": (lambda: hostile.shared_strings_bomb(50), TOO_MANY),
    # 1.9 million empty strings in 15 KB: only the count catches it (each costs openpyxl ~100 bytes)
    "empty_strings_9mb": (lambda: hostile.shared_strings_bomb(9, hostile.EMPTY), TOO_MANY),
    "lying_sizes_crc": (lambda: hostile.lying_sizes(inflate=False), DAMAGED),
    "lying_sizes_bomb": (lambda: hostile.lying_sizes(inflate=True), DAMAGED),
}


@pytest.fixture(scope="module")
def hostile_files():
    return {name: build() for name, (build, _) in CASES.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_ledger_page_refuses_each_hostile_workbook_with_its_message(
    world, client_for, hostile_files, no_parsing, case
):
    before = Project.objects.count()
    response = client_for("zezhou").post(
        reverse("projects:import_list"),
        {"file": SimpleUploadedFile("台账.xlsx", hostile_files[case]), "year": 2025},
    )
    assert response.status_code == 400
    assert CASES[case][1] in response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.REJECTED and bytes(batch.content) == b""
    assert Project.objects.count() == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_grid_upload_refuses_each_hostile_workbook_with_its_message(
    world, client_for, hostile_files, no_parsing, case
):
    response = client_for("zezhou").post(
        reverse("reporting:report_import"),
        {
            "unit": world.zezhou.pk,
            "year": 2025,
            "month": 6,
            "file": SimpleUploadedFile("填报表.xlsx", hostile_files[case]),
        },
    )
    assert response.status_code == 400
    assert CASES[case][1] in response.content.decode()
    assert not ImportBatch.objects.filter(kind=ImportKind.MONTHLY).exists()


def test_the_string_count_stops_reading_at_the_limit(settings, monkeypatch):
    settings.IMPORT_MAX_SHARED_STRINGS = 1000
    data = hostile.shared_strings_bomb(2, hostile.EMPTY)  # ~420,000 strings
    read = []
    real_read = safety._opened.read

    def counted(self, n):
        chunk = real_read(self, n)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(safety, "_CHUNK", 4096)
    monkeypatch.setattr(safety._opened, "read", counted)
    with pytest.raises(UnsafeFile, match="上限 1,000 条"):
        check_xlsx(data)
    assert sum(read) < 64 * 1024  # 1,000 strings are ~5 KB in: the other 2 MB were never inflated


def test_strings_split_across_read_chunks_are_counted_once(settings, monkeypatch):
    data = hostile.shared_strings_bomb(0.01)  # the shell's 7 strings and ~130 more
    monkeypatch.setattr(safety, "_CHUNK", 7)  # every `<si>` straddles a chunk boundary somewhere
    import io
    import re
    import zipfile

    part = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml")
    count = len(re.findall(rb"<si>", part))
    settings.IMPORT_MAX_SHARED_STRINGS = count
    check_xlsx(data)  # exactly at the limit: accepted
    settings.IMPORT_MAX_SHARED_STRINGS = count - 1
    with pytest.raises(UnsafeFile, match=TOO_MANY):
        check_xlsx(data)


def test_a_shared_strings_part_declared_past_its_limit_is_refused_unopened(monkeypatch):
    import zipfile

    data = hostile.shared_strings_bomb(2)
    monkeypatch.setattr(safety, "SHARED_STRINGS_MAX_BYTES", 1024 * 1024)

    def inflate(*args, **kwargs):
        raise AssertionError("a part was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    with pytest.raises(UnsafeFile, match=TOO_MANY):
        check_xlsx(data)


def test_a_styles_part_past_its_limit_is_refused(monkeypatch):
    data = hostile._rebuild(hostile.small_ledger(), {"xl/styles.xml": b"<styleSheet/>" + b" " * 4096})
    monkeypatch.setattr(safety, "OTHER_PART_MAX_BYTES", 4096)
    with pytest.raises(UnsafeFile, match="xl/styles.xml"):
        check_xlsx(data)


def test_a_workbook_within_the_limits_is_read(world):
    from projects.importing.services import ledger_preview

    batch = ledger_preview(
        actor=world["zezhou"], file_name="台账.xlsx", data=hostile.small_ledger(), year=2025
    )
    assert not batch.summary["file_error"], batch.summary["file_error"]
    assert batch.summary["counts"]["rows"] == 1
