"""Pages a user acts on: report a problem from the dossier (or from a meeting's decision), the
Excel export (reopened, formula-safe) and the meeting's .docx (reopened)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from issues import services
from issues.models import Meeting, Ticket

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_dossier_lists_its_tickets_and_offers_to_report_one(world, client_for, found):
    t = found(title="周边村民阻工")
    page = client_for("zezhou").get(f"/projects/{world.zz_project.pk}/").content.decode()
    assert t.number in page and "反映问题" in page
    assert "反映问题" not in client_for("leader").get(f"/projects/{world.zz_project.pk}/").content.decode()
    answer = client_for("zezhou").post(
        f"/projects/{world.zz_project.pk}/tickets/new/",
        {"title": "施工道路被占用", "category": "site", "source": "county", "description": "x"},
    )
    ticket = Ticket.objects.get(title="施工道路被占用")
    assert answer.status_code == 302 and answer["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.found_by == world["zezhou"] and ticket.state == "found"


def test_a_ticket_raised_from_a_meeting_decision_links_to_it(world, client_for):
    meeting = services.meeting_save(
        actor=world["office"], meeting=Meeting(level="mayor", title="顶格调度", date=D(2026, 11, 20))
    )
    decision = services.decision_create(
        actor=world["office"],
        meeting=meeting,
        title="协调用电",
        lead_unit=world.zezhou,
        deadline=D(2026, 12, 20),
        project=world.zz_project,
    )
    client = client_for("office")
    assert "由此事项登记问题" in client.get(f"/tickets/{decision.pk}/").content.decode()
    client.post(
        f"/projects/{world.zz_project.pk}/tickets/new/?decision={decision.pk}",
        {"title": "变电站扩容", "category": "utilities", "source": "meeting"},
    )
    ticket = Ticket.objects.get(title="变电站扩容")
    assert (ticket.source_decision, ticket.meeting) == (decision, meeting)
    assert ticket.number in client.get(f"/tickets/{decision.pk}/").content.decode()


def test_the_excel_export_is_the_filtered_list_and_formula_safe(world, client_for, found):
    found(title='=HYPERLINK("http://evil")')
    found(title="正常标题", project=world.gp_project)
    response = client_for("office").get("/tickets/export/", {"search": "HYPERLINK"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类型", "标题")
    # Shown as typed, stored as text with Excel's quote prefix: never a formula.
    assert len(rows) == 2 and rows[1][2] == '=HYPERLINK("http://evil")'
    title = sheet.cell(row=2, column=3)
    assert title.data_type == "s" and title.quotePrefix
    assert client_for("zezhou").get("/tickets/export/").status_code == 200
    zezhou_rows = list(
        load_workbook(io.BytesIO(client_for("zezhou").get("/tickets/export/").content)).active.iter_rows(
            values_only=True
        )
    )
    assert [r[3] for r in zezhou_rows[1:]] == ["泽州县巴公智能装备产业园"]  # not gaoping's


def test_the_meeting_docx_has_agenda_minutes_and_decisions(world, client_for):
    from docx import Document

    meeting = services.meeting_save(
        actor=world["office"],
        meeting=Meeting(
            level="vice_mayor",
            title="11月分管副市长调度会",
            date=D(2026, 11, 20),
            place="市政府第一会议室",
            minutes="听取汇报。\n研究问题。",
        ),
    )
    services.agenda_add(actor=world["office"], meeting=meeting, project=world.zz_project)
    services.decision_create(
        actor=world["office"],
        meeting=meeting,
        title="完成电力接入",
        lead_unit=world.zezhou,
        deadline=D(2026, 12, 1),
    )
    response = client_for("office").get(f"/meetings/{meeting.pk}/docx/")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "11月分管副市长调度会" in text and "1. 泽州县巴公智能装备产业园" in text and "研究问题。" in text
    [table] = doc.tables
    assert [c.text for c in table.rows[1].cells][1:3] == ["完成电力接入", "泽州县"]


def test_agenda_from_a_saved_project_selection_adds_projects_and_their_open_tickets(
    world, client_for, assigned
):
    ticket = assigned(day=D(2026, 11, 2))
    meeting = services.meeting_save(
        actor=world["office"], meeting=Meeting(level="office", title="旬调度", date=D(2026, 11, 21))
    )
    client_for("office").post(
        f"/meetings/{meeting.pk}/agenda/",
        {"agenda-selection": f"county={world.zezhou.pk}", "agenda-with_tickets": "on"},
    )
    texts = list(meeting.agenda_items.values_list("text", flat=True))
    assert "泽州县巴公智能装备产业园" in texts and "泽州县金村物流通道" in texts
    assert f"{ticket.number} {ticket.title}" in texts and "高平市米山新材料项目" not in texts
    # Again: nothing is listed twice.
    client_for("office").post(
        f"/meetings/{meeting.pk}/agenda/",
        {"agenda-selection": f"county={world.zezhou.pk}", "agenda-with_tickets": "on"},
    )
    assert meeting.agenda_items.count() == len(texts)


def test_agenda_of_projects_behind_time_progress_only(world, client_for):
    from tests.factories import AnnualPlanFactory

    AnnualPlanFactory(project=world.zz_project, year=2026)  # nothing reported in 2026: far behind
    meeting = services.meeting_save(
        actor=world["office"], meeting=Meeting(level="office", title="旬调度", date=D(2026, 11, 21))
    )
    client_for("office").post(
        f"/meetings/{meeting.pk}/agenda/",
        {"agenda-selection": f"county={world.zezhou.pk}", "agenda-behind_only": "on"},
    )
    [item] = meeting.agenda_items.all()
    assert item.project == world.zz_project and "低于时间进度" in item.text


def test_a_bad_filter_is_named_by_its_label(world, client_for, found):
    found(title="周边村民阻工")
    page = client_for("office").get("/tickets/", {"state": "bogus"}).content.decode()
    errors = page.split("data-filter-errors>", 1)[1].split("</div></div>", 1)[0]
    assert errors.startswith("<div>状态：") and "bogus" in errors
    assert "<li>state" not in page and "errorlist" not in errors
