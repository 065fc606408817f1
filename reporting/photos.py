"""Site photos of a monthly report (留影存档): check what was uploaded, keep it with a thumbnail.

The type is decided by the content (Pillow opens and verifies it), never by the file name or the
browser's content type, so a renamed PDF or script is refused.
"""

from __future__ import annotations

import io
import os
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts import audit
from accounts.choices import AuditAction

from . import permissions
from .models import MonthlyReport, ReportPhoto

THUMBNAIL_SIZE = 320
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# Pillow refuses images above this many pixels (decompression bombs); 80 MP covers any phone camera.
MAX_PIXELS = 80_000_000


def check_photo(data: bytes) -> str:
    """The image's format ("JPEG"/"PNG") when `data` is an acceptable photo; ValidationError otherwise."""
    if not data:
        raise ValidationError("照片文件为空，请重新选择。")
    limit = settings.PHOTO_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            f"照片过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {limit / 1024 / 1024:.0f} MB。"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError("文件不是有效的图片，仅支持 JPEG 或 PNG 格式的照片。") from exc
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(f"不支持 {fmt} 格式，仅支持 JPEG 或 PNG 格式的照片。")
    if width * height > MAX_PIXELS:
        raise ValidationError("照片像素过大，请压缩后再上传。")
    return fmt


def make_thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_SIZE px on its longer side, upright (EXIF orientation applied)."""
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            rgba = image.convert("RGBA")
            background.paste(rgba, mask=rgba.split()[-1])
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)
        return out.getvalue()


@transaction.atomic
def photo_add(*, actor, report: MonthlyReport, upload, caption: str = "") -> ReportPhoto:
    """Store one checked photo and its thumbnail on `report` (already read through a scoped selector).

    Only while the report may be edited (a reporter, draft or returned): approved values and their
    photos stay as they were approved.
    """
    if not permissions.can_edit_report(actor, report):
        raise PermissionDenied("只有填报单位在草稿或退回状态下可以上传照片。")
    data = upload.read()
    fmt = check_photo(data)
    stem = uuid.uuid4().hex[:12]
    ext = ALLOWED_FORMATS[fmt]
    photo = ReportPhoto(report=report, caption=(caption or "").strip()[:200], uploaded_by=actor)
    base = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "photo"))[0][:40] or "photo"
    photo.image.save(f"{stem}_{base}.{ext}", ContentFile(data), save=False)
    photo.thumbnail.save(f"{stem}_thumb.jpg", ContentFile(make_thumbnail(data)), save=False)
    photo.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=photo,
        root=report.project,
        changes={"photo": [None, photo.image.name]},
        message=f"上传现场照片（{report.year}年{report.month}月）",
    )
    return photo
