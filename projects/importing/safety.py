"""Checks an uploaded .xlsx *before* openpyxl parses it (ledger import and monthly round trip).

Refuses: not a zip / renamed CSV or HTML / legacy .xls / encrypted (OLE container) / empty /
over the size limit / zip bombs (declared uncompressed sizes and ratios) / sheets declaring
absurd dimensions. openpyxl then reads in read-only mode, with defusedxml installed so XML
entity tricks are refused too.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings
from django.utils.functional import Promise

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and legacy .xls
ZIP_MAGIC = b"PK\x03\x04"
MAX_RATIO = 200  # a real xlsx part rarely compresses more than ~100×
_DIMENSION_RE = re.compile(rb'<dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"')


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
        if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
            with archive.open(info) as fh:
                head = fh.read(4096)
            m = _DIMENSION_RE.search(head)
            if m and m.group(1) and int(m.group(1)) > max_rows + 100:
                raise UnsafeFile(
                    f"工作表声明了 {int(m.group(1)):,} 行，超过上限 {max_rows:,} 行，请拆分文件后再导入。"
                )


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


def excel_safe(value):
    """Text for an exported cell that Excel will never run as a formula (CSV/formula injection)."""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
