"""The small world of tests/factories with what 入库纳统 needs: credit codes, a directory, evidence,
a county statistics bureau (泽州县统计局, under 泽州县) and its user."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.choices import OrgKind
from inclusion.models import DirectoryEntry, EvidenceKind
from inclusion.services import evidence_add
from projects.validators import credit_code_check_char
from tests.factories import make_org, make_user

# A minimal valid PDF (header, one empty page, trailer with %%EOF).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(out, "PNG")
    return out.getvalue()


PNG_1PX = _png()


def credit_code(n: int, prefix: str = "91") -> str:
    first17 = f"{prefix}140525{n:09d}"
    return first17 + credit_code_check_char(first17)


def pdf_upload(name="立项批复.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png_upload(name="现场.png"):
    return SimpleUploadedFile(name, PNG_1PX, content_type="image/png")


def attach_all_evidence(project, actor):
    for kind in EvidenceKind.objects.filter(is_active=True):
        upload = png_upload() if "png" in kind.format_list and "pdf" not in kind.format_list else pdf_upload()
        evidence_add(actor=actor, project=project, kind=kind, upload=upload)


@pytest.fixture
def incl(world):
    """World plus: credit codes on its three projects, all in the directory; 泽州县统计局 and `zz_stats`."""
    for i, project in enumerate((world.zz_project, world.zz_road, world.gp_project), start=1):
        project.credit_code = credit_code(i)
        project.save(update_fields=["credit_code"])
        DirectoryEntry.objects.create(credit_code=project.credit_code, name=project.construction_unit)
    world.zz_tjj = make_org("泽州县统计局", OrgKind.DEPARTMENT, world.zezhou)
    world.users["zz_stats"] = make_user("zz_stats", world.zz_tjj, "statistics")
    return world


@pytest.fixture
def ready(incl):
    """Every evidence kind attached to the two 泽州县 projects and 高平's (so all are ready to declare)."""
    for project in (incl.zz_project, incl.zz_road, incl.gp_project):
        attach_all_evidence(
            project, incl["zezhou"] if project.county_id == incl.zezhou.pk else incl["gaoping"]
        )
    return incl


TODAY = dt.date(2025, 11, 20)


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
