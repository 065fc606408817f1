"""The bulletin as Word (.docx, python-docx) and Excel (.xlsx), and the targets sheet to fill in."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from projects.importing.safety import excel_text_cell

from . import bulletins as wording
from .models import TARGET_FIELDS, Target


def _stamp(bulletin) -> str:
    if bulletin.as_of:
        return f"数据截至 {timezone.localtime(bulletin.as_of):%Y年%m月%d日 %H:%M}（审核口径，发布版本）"
    return f"草稿，数据为 {timezone.localtime():%Y年%m月%d日 %H:%M} 的审核口径，发布前可能变化"


def bulletin_docx(bulletin, paragraphs: list[str]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(bulletin.title)
    run.bold = True
    run.font.size = Pt(22)
    run.font.name = "SimHei"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    note = doc.add_paragraph(_stamp(bulletin))
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.runs[0].font.size = Pt(12)
    for text in paragraphs:
        para = doc.add_paragraph(text)
        para.paragraph_format.first_line_indent = Pt(32)
        para.paragraph_format.line_spacing = Pt(28)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def bulletin_xlsx(bulletin, paragraphs: list[str], segments: dict, site: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "通报"
    ws["A1"] = bulletin.title
    excel_text_cell(ws["A1"]).font = Font(bold=True, size=14)
    ws["A2"] = _stamp(bulletin)
    ws.column_dimensions["A"].width = 120
    for i, text in enumerate(paragraphs, start=4):
        # The office's prose is text, whatever it starts with (formula injection).
        excel_text_cell(ws.cell(row=i, column=1, value=text)).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
    data = wb.create_sheet("数据")
    data.append(["数据项", "标记", "数值", "项目清单链接"])
    for code, label in wording.MARKERS.items():
        parts = segments.get(code) or []
        text = "".join(t for t, _u in parts)
        urls = [u for _t, u in parts if u]
        data.append([label, code, text, (site.rstrip("/") + urls[0]) if len(urls) == 1 else ""])
        for cell in data[data.max_row]:
            excel_text_cell(cell)
    for col, width in zip("ABCD", (32, 22, 60, 80), strict=True):
        data.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def targets_template(year: int) -> bytes:
    """The sheet the office fills in: one row per area and department, existing targets filled in."""
    from accounts.choices import AREA_KINDS
    from accounts.models import Organisation

    from .services import TARGET_SHEET_HEADERS

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年目标"
    ws.append(TARGET_SHEET_HEADERS)
    existing = {t.organisation_id: t for t in Target.objects.filter(year=year)}
    orgs = Organisation.objects.filter(kind__in=["city", *AREA_KINDS, "department"]).order_by(
        "kind", "sort_order", "pk"
    )
    for org in orgs:
        t = existing.get(org.pk)
        ws.append([org.name] + [getattr(t, f) if t else None for f in TARGET_FIELDS])
    ws.column_dimensions["A"].width = 28
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
