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


# --- hostile photos (issue 14): decided from the header, refused with a message, no file left ----


def stored_files() -> set[str]:
    """Every file in storage (the test storage lives as long as the process: compare before/after)."""
    from django.core.files.storage import default_storage

    found, stack = [], [""]
    while stack:
        folder = stack.pop()
        dirs, files = default_storage.listdir(folder)
        found += [f"{folder}/{f}".lstrip("/") for f in files]
        stack += [f"{folder}/{d}".lstrip("/") for d in dirs]
    return set(found)


def test_a_huge_pixel_png_is_refused_from_its_header_without_decoding(world, client_for, monkeypatch):
    from PIL import ImageFile

    from demo.hostile import huge_png

    report = enter(world, world.zz_project, 2025, 6, 100)
    data = huge_png(8900, 8900)  # 79 MP in ~75 KB: decoding it took a worker to 700 MB
    assert len(data) < 300 * 1024

    def decode(self, *args, **kwargs):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    before = stored_files()
    page = post_photo(client_for("zezhou"), report, data, name="site.png").content.decode()
    assert "照片像素过大（8900×8900）" in page
    assert not ReportPhoto.objects.exists() and stored_files() == before


def test_a_jpeg_header_claiming_a_billion_pixels_is_refused(world, client_for):
    from demo.hostile import huge_jpeg_header

    report = enter(world, world.zz_project, 2025, 6, 100)
    before = stored_files()
    page = post_photo(client_for("zezhou"), report, huge_jpeg_header(30000, 30000)).content.decode()
    assert "照片像素过大" in page
    assert not ReportPhoto.objects.exists() and stored_files() == before


def test_the_pixel_limit_is_per_format_and_inclusive(world, monkeypatch):
    from django.core.exceptions import ValidationError

    from reporting import photos

    monkeypatch.setattr(photos, "MAX_PIXELS", {"JPEG": 200 * 100, "PNG": 100 * 100})
    assert photos.check_photo(image_bytes("PNG", size=(100, 100)))[0] == "PNG"
    assert photos.check_photo(image_bytes("JPEG", size=(200, 100)))[0] == "JPEG"
    with pytest.raises(ValidationError, match="101×100"):
        photos.check_photo(image_bytes("PNG", size=(101, 100)))


def test_a_truncated_jpeg_is_refused_with_a_message_and_leaves_no_file(world, client_for):
    from demo.hostile import truncated_jpeg

    report = enter(world, world.zz_project, 2025, 6, 100)
    before = stored_files()
    response = post_photo(client_for("zezhou"), report, truncated_jpeg())
    assert response.status_code == 200
    assert "照片文件不完整或已损坏" in response.content.decode()
    assert not ReportPhoto.objects.exists() and stored_files() == before


def test_a_photo_whose_row_cannot_be_saved_leaves_no_file(world, monkeypatch):
    from django.db import IntegrityError

    from reporting.photos import photo_add

    report = enter(world, world.zz_project, 2025, 6, 100)

    def fail(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(ReportPhoto, "save", fail)
    before = stored_files()
    with pytest.raises(IntegrityError):
        photo_add(actor=world["zezhou"], report=report, upload=SimpleUploadedFile("a.jpg", image_bytes()))
    assert stored_files() == before


def test_a_sideways_phone_photo_gets_an_upright_thumbnail(world):
    from reporting.photos import check_photo

    image = Image.new("RGB", (1600, 800), (10, 200, 10))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    _, thumbnail = check_photo(out.getvalue())
    with Image.open(io.BytesIO(thumbnail)) as thumb:
        assert thumb.size == (160, 320)
