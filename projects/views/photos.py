"""Site photos are served through the portal, never from a public media URL: only users who may
see the report's project get the file (out of scope → 404, like every other detail)."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from ..models import ReportPhoto
from ..selectors.reports import reports_for_user


@require_GET
def report_photo_file(request, pk: int, variant: str = "image"):
    try:
        photo = ReportPhoto.objects.select_related("report").get(
            pk=pk, report__in=reports_for_user(request.user).values("pk")
        )
    except ReportPhoto.DoesNotExist:
        raise Http404("照片不存在或不在您的管辖范围内。") from None
    field = photo.thumbnail if variant == "thumb" and photo.thumbnail else photo.image
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("照片文件已丢失，请重新上传。") from None
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
