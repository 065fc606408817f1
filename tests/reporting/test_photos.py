"""Site photos of a monthly report: JPEG/PNG by content only, size-limited, with a 320px thumbnail."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reporting.models import ReportPhoto

from .conftest import enter


def image_bytes(fmt="JPEG", size=(1600, 1200), color=(180, 40, 30)) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


def post_photo(client, report, data: bytes, name="site.jpg", caption="基坑开挖"):
    url = reverse("reporting:report_photo_upload", args=[report.pk])
    return client.post(url, {"image": SimpleUploadedFile(name, data), "caption": caption}, follow=True)


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "site.jpg"), ("PNG", "site.png")])
def test_photo_is_kept_with_a_thumbnail_and_shown(world, client_for, fmt, name):
    report = enter(world, world.zz_project, 2025, 6, 100)
    client = client_for("zezhou")
    page = post_photo(client, report, image_bytes(fmt), name=name).content.decode()
    assert "照片已上传" in page
    photo = ReportPhoto.objects.get()
    assert photo.caption == "基坑开挖" and photo.uploaded_by == world["zezhou"]
    with photo.thumbnail.open("rb") as fh, Image.open(fh) as thumb:
        assert max(thumb.size) == 320 and thumb.format == "JPEG"
    thumb_url = reverse("reporting:report_photo_thumb", args=[photo.pk])
    assert thumb_url in page and "现场照片（1）" in page
    # the portal serves the file itself (scoped), never a public media URL
    assert photo.thumbnail.url not in page
    served = client.get(thumb_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == photo.thumbnail.open("rb").read()
    assert client_for("gaoping").get(thumb_url).status_code == 404


def test_a_renamed_pdf_is_refused(world, client_for):
    report = enter(world, world.zz_project, 2025, 6, 100)
    page = post_photo(
        client_for("zezhou"), report, b"%PDF-1.4\n" + b"0" * 500, name="photo.jpg"
    ).content.decode()
    assert "仅支持 JPEG 或 PNG" in page
    assert not ReportPhoto.objects.exists()


def test_a_gif_is_refused_even_though_it_is_an_image(world, client_for):
    report = enter(world, world.zz_project, 2025, 6, 100)
    page = post_photo(client_for("zezhou"), report, image_bytes("GIF"), name="photo.gif").content.decode()
    assert "不支持 GIF 格式" in page
    assert not ReportPhoto.objects.exists()


def test_a_photo_over_the_limit_is_refused(world, client_for, settings):
    report = enter(world, world.zz_project, 2025, 6, 100)
    data = image_bytes()
    settings.PHOTO_MAX_BYTES = len(data) - 1
    page = post_photo(client_for("zezhou"), report, data).content.decode()
    assert "照片过大" in page
    assert not ReportPhoto.objects.exists()


def test_photos_only_while_the_report_can_be_edited(world, client_for):
    report = enter(world, world.zz_project, 2025, 6, 100, approve=True)
    response = post_photo(client_for("zezhou"), report, image_bytes())
    assert response.status_code == 403
    assert post_photo(client_for("leader"), report, image_bytes()).status_code == 403
    assert not ReportPhoto.objects.exists()


def test_the_photo_service_itself_refuses_an_approved_report(world):
    from django.core.exceptions import PermissionDenied

    from reporting.photos import photo_add

    report = enter(world, world.zz_project, 2025, 6, 100, approve=True)
    upload = SimpleUploadedFile("site.jpg", image_bytes())
    with pytest.raises(PermissionDenied, match="草稿或退回状态"):
        photo_add(actor=world["zezhou"], report=report, upload=upload)
    assert not ReportPhoto.objects.exists()
