"""Exports: the ticket list as Excel (formula-injection safe) and a meeting's agenda, minutes and
decisions as Word (.docx, python-docx)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from projects.importing.safety import FORMULA_START, excel_safe, excel_text_cell

MAX_ROWS = 20000
COLUMNS = [
    ("编号", 14),
    ("类型", 8),
    ("标题", 40),
    ("项目", 32),
    ("问题类别", 12),
    ("来源", 10),
    ("承办单位", 16),
    ("办理层级", 8),
    ("状态", 8),
    ("督办级别", 14),
    ("发现日期", 11),
    ("交办日期", 11),
    ("办结时限", 11),
    ("销号日期", 11),
    ("企业评价", 8),
    ("退回次数", 8),
]


def tickets_workbook(queryset, *, today) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("问题清单")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.append([excel_safe(name) for name, _ in COLUMNS])

    def cell(value):
        value = excel_safe(value)
        if isinstance(value, str) and value.startswith(FORMULA_START):
            return excel_text_cell(WriteOnlyCell(sheet, value=value))  # shown as typed, never a formula
        return value

    for t in queryset.iterator(chunk_size=2000):
        sheet.append(
            [
                cell(v)
                for v in (
                    t.number,
                    t.get_kind_display(),
                    t.title,
                    t.project.name if t.project_id else "",
                    t.get_category_display(),
                    t.get_source_display(),
                    t.lead_unit.display_name if t.lead_unit_id else "",
                    t.get_authority_display(),
                    t.state_label,
                    t.get_supervision_display() if t.supervision else "",
                    t.found_on,
                    t.assigned_on,
                    t.deadline,
                    t.closed_on,
                    t.get_satisfaction_display() if t.satisfaction else "",
                    t.send_backs + t.office_returns,
                )
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def meeting_document(meeting, agenda, decisions) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(meeting.title)
    run.bold = True
    run.font.size = Pt(18)
    doc.add_paragraph(
        f"会议层级：{meeting.get_level_display()}    时间：{_date(meeting.date)}    地点：{meeting.place or '—'}"
    )
    if meeting.chair:
        doc.add_paragraph(f"主持：{meeting.chair}")
    people = meeting.attendee_list + [u.display_name for u in meeting.attendee_units.all()]
    doc.add_paragraph("参会人员：" + ("、".join(people) if people else "—"))
    doc.add_heading("一、会议议程", level=2)
    if agenda:
        for n, item in enumerate(agenda, start=1):
            doc.add_paragraph(f"{n}. {item.text}")
    else:
        doc.add_paragraph("（无）")
    doc.add_heading("二、会议纪要", level=2)
    for para in (meeting.minutes or "（未记录）").splitlines() or ["（未记录）"]:
        doc.add_paragraph(para)
    doc.add_heading("三、议定事项", level=2)
    if decisions:
        table = doc.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("编号", "议定事项", "牵头单位", "责任领导", "办结时限", "状态"), strict=True
        ):
            cell.text = text
        for d in decisions:
            cells = table.add_row().cells
            values = (
                d.number,
                d.title,
                d.lead_unit.display_name if d.lead_unit_id else "",
                d.responsible_leader.name if d.responsible_leader_id else "",
                _date(d.deadline),
                d.state_label + (f"（{d.get_supervision_display()}）" if d.supervision else ""),
            )
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    else:
        doc.add_paragraph("（无）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
