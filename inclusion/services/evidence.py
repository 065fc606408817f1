"""Evidence files (checked by their content) and requests for them."""

from __future__ import annotations

import io
import os
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from accounts import audit
from accounts.choices import AuditAction
from projects.models import Project
from scheduling.services import notify

from .. import permissions
from ..models import (
    EvidenceFile,
    EvidenceKind,
    EvidenceRequest,
)
from ..selectors import evidence_request_recipients
from .base import InclusionError

# --- evidence ------------------------------------------------------------------------------

PDF_MAGIC = b"%PDF-"
MAX_PIXELS = 80_000_000
FORMAT_LABEL = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


def detect_format(data: bytes) -> str | None:
    """'pdf', 'jpeg' or 'png' decided by content (never the file name), else None."""
    if data.startswith(PDF_MAGIC):
        return "pdf" if b"%%EOF" in data[-2048:] else None
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if width * height > MAX_PIXELS:
        return None
    return {"JPEG": "jpeg", "PNG": "png"}.get(fmt)


def check_evidence(data: bytes, kind: EvidenceKind) -> str:
    if not data:
        raise InclusionError("文件为空，请重新选择。")
    limit = settings.INCLUSION_EVIDENCE_MAX_BYTES
    if len(data) > limit:
        raise InclusionError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {limit / 1024 / 1024:.0f} MB。"
        )
    fmt = detect_format(data)
    allowed = kind.format_list
    names = "、".join(FORMAT_LABEL.get(f, f) for f in allowed)
    if fmt is None:
        raise InclusionError(f"文件不是有效的 {names} 文件（按内容判断，与文件名无关）。")
    if fmt not in allowed:
        raise InclusionError(f"{kind.name}仅支持 {names} 格式，该文件为 {FORMAT_LABEL[fmt]}。")
    return fmt


@transaction.atomic
def evidence_add(*, actor, project: Project, kind: EvidenceKind, upload) -> EvidenceFile:
    """Keep one checked document for `project` (read through a scoped selector); open requests whose
    documents are now all there are marked done."""
    if not permissions.can_upload_evidence(actor, project):
        raise PermissionDenied("您没有上传佐证资料的权限。")
    data = upload.read()
    fmt = check_evidence(data, kind)
    base = os.path.basename(getattr(upload, "name", "") or "file")
    stem, _ext = os.path.splitext(base)
    ext = {"jpeg": "jpg"}.get(fmt, fmt)
    evidence = EvidenceFile(
        project=project,
        kind=kind,
        original_name=base[:200],
        file_format=fmt,
        size=len(data),
        uploaded_by=actor,
    )
    evidence.file.save(
        f"{uuid.uuid4().hex[:12]}_{(stem or 'file')[:40]}.{ext}", ContentFile(data), save=False
    )
    evidence.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=evidence,
        root=project,
        changes={"evidence": [None, f"{kind.name}：{base}"]},
        message=f"上传入库佐证资料（{kind.name}）",
    )
    present = set(EvidenceFile.objects.filter(project=project).values_list("kind_id", flat=True))
    for request in EvidenceRequest.objects.filter(project=project, resolved_at__isnull=True).prefetch_related(
        "kinds"
    ):
        if {k.pk for k in request.kinds.all()} <= present:
            request.resolved_at = timezone.now()
            request.save(update_fields=["resolved_at"])
    return evidence


@transaction.atomic
def evidence_request(*, actor, project: Project, kinds, message: str = "") -> EvidenceRequest:
    """Ask the project's units to upload the documents in `kinds`: they see it on the project's page, and
    its reporters (and the construction unit's accounts) get a message once per request."""
    if not permissions.can_manage_inclusion(actor):
        raise PermissionDenied("只有统计局可以要求补充资料。")
    kinds = list(kinds)
    if not kinds:
        raise InclusionError("请选择需要补充的资料。")
    request = EvidenceRequest.objects.create(
        project=project, message=(message or "").strip()[:500], requested_by=actor
    )
    request.kinds.set(kinds)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=request,
        root=project,
        changes={"kinds": [None, "、".join(k.name for k in kinds)]},
        message="要求补充入库佐证资料",
    )
    names = "、".join(k.name for k in kinds)
    notify(
        recipients=evidence_request_recipients(project),
        kind="inclusion_evidence",
        key=f"evidence-request:{request.pk}",
        title=f"【入库纳统】请补充{project.name}的佐证资料",
        body=f"统计局要求补充：{names}。" + (f"\n说明：{request.message}" if request.message else ""),
        url=reverse("projects:project_detail", args=[project.pk]),
        obj=project,
    )
    return request
