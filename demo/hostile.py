"""Hostile uploads, built in memory: what `bench_hostile` sends and the upload tests refuse.

Each builder returns the bytes a browser would post. Nothing here is ever decoded or inflated by the
builder itself beyond what it writes, so building a bomb costs a few MB and a second.

- `shared_strings_bomb(mb)`: a ledger-shaped .xlsx whose xl/sharedStrings.xml inflates to `mb` MB of
  short distinct strings (the part openpyxl loads whole before it reads a row); honest sizes.
- `lying_sizes(...)`: a valid workbook whose zip directory understates a part's size (`inflate=False`:
  the CRC check fails) or a bomb declared as a few KB (`inflate=True`).
- `huge_png(w, h)`: a valid PNG of w×h black pixels (an 8900×8900 one is ~250 KB).
- `huge_jpeg_header(w, h)`: a JPEG whose header claims w×h pixels.
- `truncated_jpeg()`: the first half of a real photo-sized JPEG.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

FIXED = (2025, 1, 1, 0, 0, 0)
MB = 1024 * 1024


SHELL_STRINGS = [
    "项目名称",
    "建设单位",
    "县（市、区）",
    "总投资（万元）",
    "巴公镇新建厂房项目",
    "泽州县示范建设有限公司",
    "泽州县",
]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def small_ledger() -> bytes:
    """A one-row ledger of 泽州县 with its text in shared strings, as Excel and WPS write it."""

    def row(number, cells):
        return f'<row r="{number}">' + "".join(cells) + "</row>"

    header = [f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCD")]
    data = [f'<c r="{col}2" t="s"><v>{i}</v></c>' for i, col in zip(range(4, 7), "ABC", strict=True)]
    data.append('<c r="D2"><v>1000</v></c>')
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Target="xl/workbook.xml" '
            f'Type="{_REL}/officeDocument"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{_REL}/worksheet"/>'
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{_REL}/sharedStrings"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:D2"/><sheetData>'
            + row(1, header)
            + row(2, data)
            + "</sheetData></worksheet>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{_MAIN}">' + "".join(f"<si><t>{t}</t></si>" for t in SHELL_STRINGS) + "</sst>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, text.encode())
    return out.getvalue()


def _rebuild(data: bytes, replace: dict[str, object]) -> bytes:
    """`data` with the named parts replaced: bytes, or a callable writing into an open member."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [i.filename for i in source.infolist()]
        for name in names + [n for n in replace if n not in names]:
            info = zipfile.ZipInfo(name, date_time=FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            content = replace.get(name, None)
            if content is None:
                target.writestr(info, source.read(name))
            elif isinstance(content, bytes):
                target.writestr(info, content)
            else:
                with target.open(info, "w", force_zip64=True) as fh:
                    content(fh)
    return out.getvalue()


LEDGER_LIKE = "<si><t>泽州县巴公镇新建厂房项目建设有限公司第{n}号</t></si>"  # ~30× compression
EMPTY = "<si/>"  # ~1000× compression, and ~100 bytes of memory each in openpyxl


def _string_table(size_mb: float, item: str = LEDGER_LIKE):
    """Writes a sharedStrings part of about `size_mb` MB of `item` (formatted with a counter)."""

    def write(fh):
        fh.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + f'<sst xmlns="{_MAIN}">'.encode()
        )
        # The shell's own strings come first, so its sheet still reads as the small ledger it was.
        for text in SHELL_STRINGS:
            fh.write(f"<si><t>{text}</t></si>".encode())
        target = int(size_mb * MB)
        written, i = 0, 0
        while written < target:
            chunk = (
                "".join(item.format(n=n) for n in range(i, i + 10000)).encode()
                if "{n}" in item
                else item.encode() * 10000
            )
            fh.write(chunk)
            written += len(chunk)
            i += 10000
        fh.write(b"</sst>")

    return write


def shared_strings_bomb(size_mb: float = 199, item: str = LEDGER_LIKE) -> bytes:
    """A ledger whose shared strings inflate to `size_mb` MB (a 199 MB one is ~7 MB on the wire)."""
    return _rebuild(small_ledger(), {"xl/sharedStrings.xml": _string_table(size_mb, item)})


def _patch_sizes(data: bytes, member: str, *, file_size: int) -> bytes:
    """Rewrite `member`'s uncompressed size in its local header and the central directory."""
    buf = bytearray(data)
    name = member.encode()
    # Local file header: signature, ..., uncompressed size at offset 22, name length at 26.
    pos = 0
    while (pos := buf.find(b"PK\x03\x04", pos)) != -1:
        name_len = struct.unpack_from("<H", buf, pos + 26)[0]
        if bytes(buf[pos + 30 : pos + 30 + name_len]) == name:
            struct.pack_into("<I", buf, pos + 22, file_size)
        pos += 4
    # Central directory entry: uncompressed size at offset 24, name length at 28, name at 46.
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) != -1:
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46 : pos + 46 + name_len]) == name:
            struct.pack_into("<I", buf, pos + 24, file_size)
        pos += 4
    return bytes(buf)


def lying_sizes(*, inflate: bool = False) -> bytes:
    """A workbook whose directory says its shared strings are 1 KB.

    inflate=False: the real part is a little larger (an honest file damaged in transit; CRC fails).
    inflate=True: the real part inflates to 100 MB of empty strings (a bomb hiding behind small numbers).
    """
    if inflate:
        data = _rebuild(small_ledger(), {"xl/sharedStrings.xml": _string_table(100, EMPTY)})
    else:
        data = _rebuild(small_ledger(), {"xl/sharedStrings.xml": _string_table(0.05)})
    # Without the zip64 extra field the 32-bit size in the headers is what readers trust.
    data = _strip_zip64(data)
    return _patch_sizes(data, "xl/sharedStrings.xml", file_size=1024)


def _strip_zip64(data: bytes) -> bytes:
    """Re-store every member without zip64 extras (sizes fit in 32 bits; copying keeps the deflated bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            raw = _raw_member(data, info)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED)
            fixed.compress_type = info.compress_type
            fixed.CRC = info.CRC
            fixed.compress_size = len(raw)
            fixed.file_size = min(info.file_size, 0xFFFFFFFE)
            fixed.header_offset = target.fp.tell()
            fixed.extra = b""
            target.fp.write(fixed.FileHeader(zip64=False))
            target.fp.write(raw)
            target.filelist.append(fixed)
            target.NameToInfo[fixed.filename] = fixed
            target.start_dir = target.fp.tell()
        target._didModify = True
    return out.getvalue()


def _raw_member(data: bytes, info: zipfile.ZipInfo) -> bytes:
    offset = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_len + extra_len
    return data[start : start + info.compress_size]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def huge_png(width: int = 8900, height: int = 8900, *, rgba: bool = False) -> bytes:
    """A valid PNG of black pixels (greyscale or RGBA), compressed row by row (never held whole)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if rgba else 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width * (4 if rgba else 1) + 1)  # filter byte + pixels
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def photo_jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A photo-like JPEG (noise compresses badly, as a real photo does)."""
    from PIL import Image

    image = Image.effect_noise((width, height), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = photo_jpeg()
    return data[: len(data) // 2]


def huge_jpeg_header(width: int = 30000, height: int = 30000) -> bytes:
    """A real small JPEG whose SOF header is rewritten to claim width×height pixels."""
    data = bytearray(photo_jpeg(64, 64))
    pos = 2
    while pos < len(data):
        marker, length = data[pos + 1], struct.unpack_from(">H", data, pos + 2)[0]
        if marker in (0xC0, 0xC1, 0xC2):
            struct.pack_into(">HH", data, pos + 5, height, width)
            break
        pos += 2 + length
    return bytes(data)


# (name, what it is, builder, the endpoints it is sent to)
XLSX_CASES = {
    "shared_strings_199mb": (
        "xlsx 共享字符串膨胀到 199 MB（约 7 MB 上传）",
        lambda: shared_strings_bomb(199),
    ),
    "shared_strings_50mb": ("xlsx 共享字符串膨胀到 50 MB", lambda: shared_strings_bomb(50)),
    "empty_strings_9mb": (
        "xlsx 190 万个空共享字符串（约 10 KB 上传）",
        lambda: shared_strings_bomb(9, EMPTY),
    ),
    "lying_sizes_crc": ("zip 目录少报大小（CRC 不符）", lambda: lying_sizes(inflate=False)),
    "lying_sizes_bomb": ("zip 目录少报大小，实际 100 MB", lambda: lying_sizes(inflate=True)),
}
IMAGE_CASES = {
    "png_8900x8900": ("8900×8900 PNG（约 250 KB）", lambda: huge_png(8900, 8900)),
    "png_20000x20000": ("20000×20000 PNG", lambda: huge_png(20000, 20000)),
    "png_rgba_at_limit": ("4472×4472 RGBA PNG（上限内，须解码）", lambda: huge_png(4472, 4472, rgba=True)),
    "jpeg_header_30000": ("JPEG 头声明 30000×30000", lambda: huge_jpeg_header()),
    "jpeg_truncated": ("截断的 JPEG", truncated_jpeg),
}
