"""Site photos of a monthly report (留影存档): check what was uploaded, keep it with a thumbnail.

The type is decided by the content (Pillow opens and verifies it), never by the file name or the
browser's content type, so a renamed PDF or script is refused.
"""

from __future__ import annotations

import io
import os
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts import audit
from accounts.choices import AuditAction

from . import permissions
from .models import MonthlyReport, ReportPhoto

THUMBNAIL_SIZE = 320
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# Pixel limits, read from the header before a pixel is decoded. A JPEG is decoded for its thumbnail
# at 1/8 scale (libjpeg's DCT scaling), so 100 MP costs ~50 MB; a PNG can only be decoded whole, at
# 4 bytes a pixel in Pillow (twice over when it has alpha: resizing premultiplies a copy), so 20 MP
# costs 80-160 MB. Phone cameras write 12-50 MP JPEGs; a PNG
# photo is a screenshot or a scan. An 8900×8900 PNG of 250 KB (79 MP) would take a worker to 700 MB.
MAX_PIXELS = {"JPEG": 100_000_000, "PNG": 20_000_000}
_UNREADABLE = gettext_lazy("文件不是有效的图片，仅支持 JPEG 或 PNG 格式的照片。")
_DAMAGED = gettext_lazy("照片文件不完整或已损坏（可能上传中断），请重新选择照片上传。")


def _too_many_pixels(fmt: str, width: int, height: int) -> ValidationError:
    limit = MAX_PIXELS.get(fmt, MAX_PIXELS["PNG"]) // 10_000
    return ValidationError(
        _("照片像素过大（%(width)s×%(height)s），%(format)s 上限为 %(limit)s 万像素，请压缩后再上传。")
        % {"width": width, "height": height, "format": fmt or _("图片"), "limit": f"{limit:,}"}
    )


def check_photo(data: bytes) -> tuple[str, bytes]:
    """`(format, thumbnail JPEG)` when `data` is an acceptable photo; ValidationError otherwise.

    The format and pixel count come from the header (Pillow reads no pixel data on open); only then
    is the image decoded, once, for its thumbnail, which also finds a truncated or damaged file.
    """
    if not data:
        raise ValidationError(_("照片文件为空，请重新选择。"))
    limit = settings.PHOTO_MAX_BYTES
    if len(data) > limit:
        raise ValidationError(
            _("照片过大（%(size).1f MB），上限为 %(limit).0f MB。")
            % {"size": len(data) / 1024 / 1024, "limit": limit / 1024 / 1024}
        )
    try:
        with warnings.catch_warnings():
            # We check the pixel count ourselves, with lower limits than Pillow's warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:  # far above any limit of ours (> 179 MP)
        raise ValidationError(_("照片像素过大，请压缩后再上传。")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_UNREADABLE) from exc
    with image:
        fmt = image.format
        width, height = image.size
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(
                _("不支持 %(format)s 格式，仅支持 JPEG 或 PNG 格式的照片。") % {"format": fmt}
            )
        if width * height > MAX_PIXELS[fmt]:
            raise _too_many_pixels(fmt, width, height)
        try:
            return fmt, _thumbnail(image)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise ValidationError(_DAMAGED) from exc


def _thumbnail(image) -> bytes:
    """A JPEG at most THUMBNAIL_SIZE px on its longer side, upright (EXIF orientation applied).

    `thumbnail` first (it asks libjpeg for a reduced decode), then the rotation on the small image.
    """
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    image = ImageOps.exif_transpose(image)
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
        raise PermissionDenied(_("只有填报单位在草稿或退回状态下可以上传照片。"))
    data = upload.read()
    fmt, thumbnail = check_photo(data)  # everything that can refuse the photo, before a file is written
    stem = uuid.uuid4().hex[:12]
    ext = ALLOWED_FORMATS[fmt]
    photo = ReportPhoto(report=report, caption=(caption or "").strip()[:200], uploaded_by=actor)
    base = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "photo"))[0][:40] or "photo"
    try:
        photo.image.save(f"{stem}_{base}.{ext}", ContentFile(data), save=False)
        photo.thumbnail.save(f"{stem}_thumb.jpg", ContentFile(thumbnail), save=False)
        photo.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=photo,
            root=report.project,
            changes={"photo": [None, photo.image.name]},
            message=f"上传现场照片（{report.year}年{report.month}月）",
        )
    except BaseException:
        _delete_files(photo)  # the row is rolled back: leave no file behind it
        raise
    return photo


def _delete_files(photo: ReportPhoto) -> None:
    for field_file in (photo.image, photo.thumbnail):
        if field_file.name:
            field_file.storage.delete(field_file.name)
