"""Attachments of a matter's steps (evidence, photos, documents): checked by content, size-limited.

Like site photos, the type is decided by the bytes, never the file name: JPEG/PNG must open in
Pillow, PDF must start with %PDF-, Word/Excel must be a zip holding their main part.
"""

from __future__ import annotations

import io
import os
import uuid
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from ..exceptions import TicketError
from ..models import TicketAttachment

MAX_FILES = 5
ALLOWED_TEXT = "JPEG、PNG 图片，PDF，Word（.docx）或 Excel（.xlsx）文件"


def max_bytes() -> int:
    return getattr(settings, "TICKET_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def check_attachment(data: bytes) -> str:
    """The file's type ('jpg', 'png', 'pdf', 'docx', 'xlsx') when acceptable; TicketError otherwise."""
    if not data:
        raise TicketError("附件为空，请重新选择。")
    limit = max_bytes()
    if len(data) > limit:
        raise TicketError(
            f"附件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {limit / 1024 / 1024:.0f} MB。"
        )
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise TicketError(f"无法识别的附件，仅支持{ALLOWED_TEXT}。") from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise TicketError(f"无法识别的附件，仅支持{ALLOWED_TEXT}。")
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise TicketError(f"无法识别的附件，仅支持{ALLOWED_TEXT}。") from exc
    if fmt == "JPEG":
        return "jpg"
    if fmt == "PNG":
        return "png"
    raise TicketError(f"不支持 {fmt} 格式，仅支持{ALLOWED_TEXT}。")


def read_uploads(uploads) -> list[tuple[str, bytes, str]]:
    """[(name, bytes, type)] of checked uploads; all refused if any is (nothing half-saved)."""
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > MAX_FILES:
        raise TicketError(f"一次最多上传{MAX_FILES}个附件。")
    checked = []
    for upload in uploads:
        data = upload.read()
        name = os.path.basename(getattr(upload, "name", "") or "附件")[:150]
        try:
            kind = check_attachment(data)
        except TicketError as exc:
            raise TicketError(f"{name}：{exc}") from exc
        checked.append((name, data, kind))
    return checked


def store(*, ticket, event, actor, checked) -> list[TicketAttachment]:
    saved = []
    for name, data, kind in checked:
        attachment = TicketAttachment(
            ticket=ticket, event=event, name=name, size=len(data), file_type=kind, uploaded_by=actor
        )
        attachment.file.save(f"{uuid.uuid4().hex[:12]}.{kind}", ContentFile(data), save=False)
        attachment.save()
        saved.append(attachment)
    return saved
