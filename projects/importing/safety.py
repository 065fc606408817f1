"""Checks an uploaded .xlsx *before* openpyxl parses it (ledger import and monthly round trip).

Refuses: not a zip / renamed CSV or HTML / legacy .xls / encrypted (OLE container) / empty /
over the size limit / zip bombs (declared uncompressed sizes and ratios) / sheets declaring
absurd dimensions. openpyxl then reads in read-only mode, with defusedxml installed so XML
entity tricks are refused too.

What bounds the memory of a read: openpyxl streams the sheets (flat memory) but loads the shared
strings whole, keeping an element per string (~100 bytes each, even for an empty `<si/>`), and parses
every other XML part (styles, workbook) whole. So before openpyxl sees the file, the shared strings
are bounded by their declared size and by a streaming count of their `<si>` elements that stops at
the limit, every other XML part by a small size, and every part is inflated once in 1 MB chunks so
that a zip whose declared sizes or checksums lie is refused here (zipfile never returns more than a
part's declared size, and fails its CRC check when the content is longer).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from django.conf import settings
from django.utils.functional import Promise

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and legacy .xls
ZIP_MAGIC = b"PK\x03\x04"
MAX_RATIO = 200  # a real xlsx part rarely compresses more than ~100×
_DIMENSION_RE = re.compile(rb'<dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"')
SHARED_STRINGS_MAX_BYTES = 40 * 1024 * 1024  # a 20,000-row ledger written by Excel/WPS holds ~10-15 MB
OTHER_PART_MAX_BYTES = 8 * 1024 * 1024  # styles, workbook, relationships: parsed whole by openpyxl
_SI_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CHUNK = 1024 * 1024


class UnsafeFile(ValueError):
    """The upload is not a workbook we are willing to parse; the message is for the user."""


def check_xlsx(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> None:
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    if not data:
        raise UnsafeFile("文件为空，请选择填好的 Excel（.xlsx）文件。")
    if len(data) > max_bytes:
        raise UnsafeFile(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {max_bytes / 1024 / 1024:.0f} MB。"
        )
    if data.startswith(OLE_MAGIC):
        raise UnsafeFile(
            "文件已加密或为旧版 .xls 格式：请取消密码保护，并另存为 Excel 工作簿（.xlsx）后再上传。"
        )
    if not data.startswith(ZIP_MAGIC):
        head = data[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
            raise UnsafeFile("文件是网页（HTML/XML）改名而来，不是 Excel 工作簿，请在 Excel 中另存为 .xlsx。")
        raise UnsafeFile(
            "文件不是 Excel 工作簿（.xlsx），可能是 CSV 或其他格式改名而来，请另存为 .xlsx 后再上传。"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnsafeFile("文件已损坏，无法作为 Excel 工作簿打开。") from exc
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise UnsafeFile("文件不是 Excel 工作簿（缺少工作表），请确认文件为 .xlsx 格式。")
    if any(i.flag_bits & 0x1 for i in infos):
        raise UnsafeFile("文件已加密，请取消密码保护后再上传。")
    total = sum(i.file_size for i in infos)
    if total > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
        raise UnsafeFile("文件解压后体积异常（疑似压缩炸弹），已拒绝处理。")
    for info in infos:
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 10 * 1024 * 1024
        ):
            raise UnsafeFile("文件压缩比异常（疑似压缩炸弹），已拒绝处理。")
    for info in infos:
        if _is_shared_strings(info.filename) and info.file_size > SHARED_STRINGS_MAX_BYTES:
            raise UnsafeFile(_too_many_strings())
        if _is_other_xml(info.filename) and info.file_size > OTHER_PART_MAX_BYTES:
            raise UnsafeFile(f"文件中的“{info.filename}”部分解压后体积异常，已拒绝处理。")
    for info in infos:
        if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
            with _opened(archive, info) as fh:
                head = fh.read(4096)
            m = _DIMENSION_RE.search(head)
            if m and m.group(1) and int(m.group(1)) > max_rows + 100:
                raise UnsafeFile(
                    f"工作表声明了 {int(m.group(1)):,} 行，超过上限 {max_rows:,} 行，请拆分文件后再导入。"
                )
    for info in infos:
        _inflate_counted(archive, info)


def _is_shared_strings(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def _is_other_xml(name: str) -> bool:
    lower = name.lower()
    return (
        lower.endswith((".xml", ".rels"))
        and not lower.startswith("xl/worksheets/")
        and not _is_shared_strings(lower)
    )


def _too_many_strings() -> str:
    return (
        f"文件中的文字条目过多或体积异常（上限 {settings.IMPORT_MAX_SHARED_STRINGS:,} 条、"
        f"{SHARED_STRINGS_MAX_BYTES // 1024 // 1024} MB，疑似压缩炸弹），已拒绝处理；"
        "如确为正常表格，请拆分为几个文件后再上传。"
    )


_DAMAGED = "文件已损坏（压缩包中记录的大小或校验值与内容不符），请在 Excel 中另存为 .xlsx 后重试。"


class _opened:
    """`archive.open(info)` whose zip errors become the user's message."""

    def __init__(self, archive, info):
        self.archive, self.info = archive, info

    def __enter__(self):
        try:
            self.fh = self.archive.open(self.info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
            raise UnsafeFile(_DAMAGED) from exc
        return self

    def read(self, n: int) -> bytes:
        try:
            return self.fh.read(n)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, OSError) as exc:
            raise UnsafeFile(_DAMAGED) from exc

    def __exit__(self, *exc_info):
        self.fh.close()
        return False


def _inflate_counted(archive, info) -> None:
    """Inflate one part in chunks, checking its CRC; shared strings also have their `<si>` counted.

    zipfile stops at the declared size, so nothing past it is ever inflated; the count stops the
    read as soon as it passes the limit.
    """
    count_strings = _is_shared_strings(info.filename)
    limit = settings.IMPORT_MAX_SHARED_STRINGS
    strings, tail = 0, b""
    with _opened(archive, info) as fh:
        while chunk := fh.read(_CHUNK):
            if not count_strings:
                continue
            window = tail + chunk
            # A match wholly inside `tail` was counted with the previous chunk.
            strings += sum(1 for m in _SI_RE.finditer(window) if m.end() > len(tail))
            if strings > limit:
                raise UnsafeFile(_too_many_strings())
            tail = window[-32:]


def load_workbook_safely(data: bytes, **limits):
    """`check_xlsx`, then openpyxl in read-only mode (formulas read as their cached values)."""
    check_xlsx(data, **limits)
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnsafeFile(
            f"无法读取该 Excel 文件：{exc.__class__.__name__}。请在 Excel 中另存为 .xlsx 后重试。"
        ) from exc


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_START = _FORMULA_START  # what `excel_text_cell` marks as text, for writers that share styles


def excel_safe(value):
    """A value for an exported cell: lazily translated labels become text (see `excel_text_cell`)."""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    return value


def excel_text_cell(cell):
    """A written cell whose text starts like a formula is stored as text with Excel's quote prefix
    (formula/CSV injection): Excel shows it exactly as typed, with no apostrophe in the value, and
    never runs it, not even when someone edits the cell. Returns the cell."""
    value = cell.value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        from openpyxl.styles.cell_style import StyleArray

        cell.data_type = "s"  # openpyxl would otherwise write "=…" as a formula
        if not cell._style:
            cell._style = StyleArray()
        cell._style.quotePrefix = 1
    return cell
