"""Who gets what: every page and endpoint × every persona, as one table.

Rows are routes (name + objects for the kwargs + method), columns are the personas of
`tests/factories.World`. A cell is the status the persona must see:

    LOGIN  302 to the login page (anonymous HTML)      API_ANON  401 or 403 (anonymous API)
    GO     302 elsewhere (after a successful POST, …)  ADMIN     302 to the admin login (not staff)
    200 / 400 / 403 (a forbidden write) / 404 (out of scope: no existence leak) / 405

Every named route outside Django's admin must have a row here (admin is sampled): a new
page fails `test_every_named_route_is_in_the_matrix` until someone decides who may open it.
The second half checks that nothing leaks through lists, filters, search or totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.choices import ImportKind, ImportStatus
from projects.models import Approval, ApprovalKind, ImportBatch
from reporting.choices import ReportStatus
from reporting.models import MonthlyReport, ReportPhoto
from scheduling.models import Notification, Schedule

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anon",
    "office",
    "leader",
    "stats",
    "zezhou",
    "zezhou_head",
    "gaoping",
    "jtj",
    "admin",
    "outsider",
)
# Django admin's own pages are covered by two sample rows; every other named route needs a row.
UNCOVERED_NAMESPACES = ("admin",)

# A valid 1×1 PNG for the photo rows.
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
)

LOGIN = "login"
API_ANON = "api-anon"
GO = "go"
ADMIN = "admin-login"


@dataclass(frozen=True)
class Row:
    name: str
    kwargs: dict  # URL kwarg → attribute of the matrix world holding the object
    method: str
    expected: tuple  # one cell per persona, in PERSONAS order
    data: dict = field(default_factory=dict)  # values naming a matrix-world object stand for its id
    note: str = ""

    def __post_init__(self):
        assert len(self.expected) == len(PERSONAS), f"{self.label}: {len(self.expected)} cells"

    @property
    def label(self) -> str:
        objects = ",".join(f"{v}" for v in self.kwargs.values())
        return (
            f"{self.method.upper()} {self.name}"
            + (f"[{objects}]" if objects else "")
            + (f" {self.note}" if self.note else "")
        )


# Shorthands so each row of the table fits on one line.
L, A, ADM = LOGIN, API_ANON, ADMIN
ALL = (L, 200, 200, 200, 200, 200, 200, 200, 200, 200)
API_ALL = (A, 200, 200, 200, 200, 200, 200, 200, 200, 200)
# A 泽州县 project not led by 市交通局: county users see it, gaoping/jtj/outsider get 404 (no existence leak).
ZZ_READ = (L, 200, 200, 200, 200, 200, 404, 404, 200, 404)
# Writing on it: read-only roles see it, so they get 403; out-of-scope users 404.
ZZ_WRITE = (L, 200, 403, 403, 200, 200, 404, 404, 200, 404)
CREATE = (L, 200, 403, 403, 200, 200, 200, 200, 200, 403)
IMPORTERS = (L, 200, 403, 403, 200, 403, 200, 200, 200, 403)
ANY_405 = (L, 405, 405, 405, 405, 405, 405, 405, 405, 405)
API_405 = (A, 405, 405, 405, 405, 405, 405, 405, 405, 405)
STAFF = (L, ADM, ADM, ADM, ADM, ADM, ADM, ADM, 200, ADM)
BATCH = {"batch_id": "zz_monthly_batch"}
# dashboards (issue 12): the office's pages; a draft and a published city bulletin
OFFICE_ONLY = (L, 200, 403, 403, 403, 403, 403, 403, 200, 403)
DRAFT, PUBLISHED = {"pk": "draft_bulletin"}, {"pk": "city_bulletin"}
DRAFT_READ = (L, 200, 200, 200, 404, 404, 404, 404, 200, 404)
PUBLISHED_READ = (L, 200, 200, 200, 200, 200, 200, 200, 200, 404)
# Dispatch: zezhou's own notification; the report-due schedule; a day of the 春节 holiday.
NOTICE = {"pk": "zz_notice"}
DUE = {"pk": "due_schedule"}
SPRING = {"day": "spring_day"}
OWN_NOTICE = (L, 404, 404, 404, GO, 404, 404, 404, 404, 404)
OWN_NOTICE_API = (A, 404, 404, 404, 200, 404, 404, 404, 404, 404)
SCHEDULES = (L, 200, 200, 403, 403, 403, 403, 403, 200, 403)
ADMIN_ONLY = (L, 403, 403, 403, 403, 403, 403, 403, 200, 403)
ADMIN_GO = (L, 403, 403, 403, 403, 403, 403, 403, GO, 403)
# 入库纳统: readers are the bureau, the office, leaders and admin; managers the bureau and admin.
INCL_READ = (L, 200, 200, 200, 403, 403, 403, 403, 200, 403)
INCL_MANAGE = (L, 403, 403, 200, 403, 403, 403, 403, 200, 403)
API_INCL_READ = (A, 200, 200, 200, 403, 403, 403, 403, 200, 403)
ZZ = {"pk": "zz_project"}
# issues: zezhou's ticket on its project; the mayor's meeting whose decision 市交通局 owns.
TICKET = {"pk": "zz_ticket"}
ZZ_P = {"project_pk": "zz_project"}
MEETING = {"pk": "mayor_meeting"}
OFFICE_ONLY = (L, 200, 403, 403, 403, 403, 403, 403, 200, 403)
MEETING_READ = (L, 200, 200, 200, 404, 404, 404, 200, 200, 404)
MEETING_WRITE = (L, GO, 403, 403, 404, 404, 404, 403, GO, 404)

# fmt: off
MATRIX = [
    #   route                                 objects            method    anon  office leader stats zezhou z_head gaoping jtj  admin outsider
    # --- the start page and one's account ---
    Row("home",                               {},                "get",    ALL),
    Row("healthz",                            {},                "get",    (200,  200,   200,   200,  200,   200,   200,    200, 200,  200)),
    Row("accounts:login",                     {},                "get",    (200,  GO,    GO,    GO,   GO,    GO,    GO,     GO,  GO,   GO), note="signed in: go home"),
    Row("accounts:logout",                    {},                "post",   (L,    GO,    GO,    GO,   GO,    GO,    GO,     GO,  GO,   GO)),
    Row("accounts:profile",                   {},                "get",    ALL),
    Row("accounts:password_change",           {},                "get",    ALL),
    Row("accounts:password_change_done",      {},                "get",    ALL),
    Row("set_language",                       {},                "post",   (GO,   GO,    GO,    GO,   GO,    GO,    GO,     GO,  GO,   GO), data={"language": "en", "next": "/projects/"}),
    # --- projects: list, dossier, history ---
    Row("projects:project_list",              {},                "get",    ALL),
    Row("projects:project_detail",            ZZ,                "get",    ZZ_READ),
    Row("projects:project_detail",            {"pk": "zz_road"}, "get",    (L,    200,   200,   200,  200,   200,   404,    200, 200,  404), note="led by 市交通局"),
    Row("projects:project_detail",            {"pk": "gp_project"}, "get", (L,    200,   200,   200,  404,   404,   200,    404, 200,  404)),
    Row("projects:project_history",           ZZ,                "get",    ZZ_READ),
    Row("projects:project_history",           {"pk": "gp_project"}, "get", (L,    200,   200,   200,  404,   404,   200,    404, 200,  404)),
    # --- projects: writes (an empty POST re-shows the form with errors and saves nothing) ---
    Row("projects:project_create",            {},                "get",    CREATE),
    Row("projects:project_create",            {},                "post",   CREATE, note="empty form"),
    Row("projects:project_edit",              ZZ,                "get",    ZZ_WRITE),
    Row("projects:project_edit",              ZZ,                "post",   ZZ_WRITE, note="empty form"),
    Row("projects:project_edit",              {"pk": "zz_road"}, "get",    (L,    200,   403,   403,  200,   200,   404,    200, 200,  404)),
    Row("projects:project_transition",        ZZ,                "get",    ZZ_WRITE),
    Row("projects:project_transition",        ZZ,                "post",   ZZ_WRITE, note="no stage chosen"),
    Row("projects:project_transition",        ZZ,                "post",   (L,    GO,    403,   403,  GO,    GO,    404,    404, GO,   404),
        data={"to": "suspended", "reason": "资金未到位"}, note="suspend with a reason"),
    Row("projects:plan_create",               ZZ,                "get",    ZZ_WRITE),
    Row("projects:plan_edit",                 {**ZZ, "plan_pk": "zz_plan"}, "get", ZZ_WRITE),
    Row("projects:plan_edit",                 {**ZZ, "plan_pk": "gp_plan"}, "get", (L, 404, 403, 403, 404, 404, 404, 404, 404, 404), note="another project's plan"),
    Row("projects:plan_delete",               {**ZZ, "plan_pk": "zz_plan"}, "get", ZZ_WRITE),
    Row("projects:plan_delete",               {**ZZ, "plan_pk": "zz_plan"}, "post", (L, GO, 403, 403, GO, GO, 404, 404, GO, 404)),
    Row("projects:approval_create",           ZZ,                "get",    ZZ_WRITE),
    Row("projects:approval_edit",             {**ZZ, "approval_pk": "zz_approval"}, "get", ZZ_WRITE),
    Row("projects:approval_edit",             {**ZZ, "approval_pk": "gp_approval"}, "get", (L, 404, 403, 403, 404, 404, 404, 404, 404, 404), note="another project's approval"),
    # --- ledger import ---
    Row("projects:import_list",               {},                "get",    IMPORTERS),
    Row("projects:import_detail",             {"pk": "zz_batch"}, "get",   (L,    200,   403,   403,  200,   403,   404,    404, 200,  403), note="uploaded by zezhou"),
    Row("projects:import_commit",             {"pk": "zz_batch"}, "get",   ANY_405),
    Row("projects:import_commit",             {"pk": "zz_batch"}, "post",  (L,    GO,    403,   403,  GO,    403,   404,    404, GO,   403), note="has errors: back to preview"),
    # --- monthly progress ---
    Row("reporting:report_grid",               {},                "get",    (L,    200,   200,   200,  200,   200,   200,    200, 200,  403)),
    Row("reporting:report_grid",               {},                "get",    (L,    200,   200,   200,  200,   200,   404,    404, 200,  403), data={"unit": "zezhou"}, note="泽州县's grid"),
    Row("reporting:report_review",             {},                "get",    (L,    200,   403,   403,  403,   200,   403,    403, 200,  403)),
    Row("reporting:report_office",             {},                "get",    (L,    200,   200,   200,  403,   403,   403,    403, 200,  403)),
    Row("reporting:report_export",             {},                "get",    (L,    200,   200,   200,  200,   200,   200,    200, 200,  403)),
    Row("reporting:report_import",             {},                "get",    (L,    200,   403,   403,  200,   403,   200,    200, 200,  403)),
    Row("reporting:report_import_preview",     BATCH,             "get",    (L,    200,   403,   403,  200,   403,   404,    404, 200,  403)),
    Row("reporting:report_import_commit",      BATCH,             "get",    ANY_405),
    Row("reporting:report_import_commit",      BATCH,             "post",   (L,    GO,    403,   403,  GO,    403,   404,    404, GO,   403), note="not ready: back to preview"),
    Row("reporting:report_detail",             {"pk": "zz_draft"}, "get",   ZZ_READ),
    Row("reporting:report_photo_upload",       {"pk": "zz_draft"}, "get",   ANY_405),
    Row("reporting:report_photo_upload",       {"pk": "zz_draft"}, "post",  (L,    GO,    403,   403,  GO,    403,   404,    404, GO,   404), note="no file: back to report"),
    Row("reporting:report_photo_file",         {"pk": "zz_photo"}, "get",   ZZ_READ),
    Row("reporting:report_photo_thumb",        {"pk": "zz_photo"}, "get",   ZZ_READ),
    Row("reporting:report_correct",            {"pk": "zz_approved"}, "get", (L,   200,   403,   403,  200,   403,   404,    404, 200,  404)),
    Row("reporting:report_correct",            {"pk": "zz_draft"}, "get",   (L,    403,   403,   403,  403,   403,   404,    404, 403,  404), note="drafts are edited, not corrected"),
    # --- dispatch: inbox (one's own only), schedules (office, leaders read; admin edits), calendar ---
    Row("scheduling:notification_list",        {},                "get",    ALL),
    Row("scheduling:notification_open",        NOTICE,            "get",    OWN_NOTICE),
    Row("scheduling:notification_read",        NOTICE,            "post",   OWN_NOTICE),
    Row("scheduling:notification_read",        NOTICE,            "get",    ANY_405),
    Row("scheduling:notification_read_all",    {},                "post",   (L,    GO,    GO,    GO,   GO,    GO,    GO,     GO,  GO,   GO)),
    Row("scheduling:notification_preferences", {},                "get",    ALL),
    Row("scheduling:notification_preferences", {},                "post",   (L,    GO,    GO,    GO,   GO,    GO,    GO,     GO,  GO,   GO), data={"email": "on"}),
    Row("scheduling:schedule_list",            {},                "get",    SCHEDULES),
    Row("scheduling:schedule_detail",          DUE,               "get",    SCHEDULES),
    Row("scheduling:schedule_edit",            DUE,               "get",    ADMIN_ONLY),
    Row("scheduling:schedule_edit",            DUE,               "post",   ADMIN_ONLY, note="empty form"),
    Row("scheduling:schedule_run",             DUE,               "post",   (L,    GO,    403,   403,  403,   403,   403,    403, GO,   403)),
    Row("scheduling:schedule_run",             DUE,               "get",    ANY_405),
    Row("scheduling:workday_calendar",         {},                "get",    ALL),
    Row("scheduling:workday_save",             {},                "post",   ADMIN_GO, data={"date": "2026-12-14", "is_working_day": "0", "name": "临时"}),
    Row("scheduling:workday_delete",           SPRING,            "post",   ADMIN_GO),
    Row("scheduling:workday_import",           {},                "post",   ADMIN_GO, data={"year": "2026"}),
    # --- 入库纳统 (inclusion): the statistics bureau manages; the office and leaders read ---
    Row("inclusion:screening",                 {},                "get",    INCL_READ),
    Row("inclusion:bulk",                      {},                "get",    ANY_405),
    Row("inclusion:bulk",                      {},                "post",   (L,    403,   403,   GO,   403,   403,   403,    403, GO,   403), note="nothing ticked: back with a message"),
    Row("inclusion:rules",                     {},                "get",    INCL_READ),
    Row("inclusion:rules",                     {},                "post",   (L,    403,   403,   GO,   403,   403,   403,    403, GO,   403), note="empty form"),
    Row("inclusion:directory",                 {},                "get",    INCL_READ),
    Row("inclusion:directory",                 {},                "post",   (L,    403,   403,   400,  403,   403,   403,    403, 400,  403), note="no file"),
    Row("inclusion:directory_preview",         {"pk": "dir_upload"}, "get", INCL_MANAGE),
    Row("inclusion:directory_commit",          {"pk": "dir_upload"}, "get", ANY_405),
    Row("inclusion:directory_commit",          {"pk": "dir_upload"}, "post", (L,   403,   403,   GO,   403,   403,   403,    403, GO,   403), note="has errors: back to preview"),
    Row("inclusion:status_import",             {},                "get",    INCL_MANAGE),
    Row("inclusion:status_import_preview",     {"pk": "status_upload"}, "get", INCL_MANAGE),
    Row("inclusion:status_import_commit",      {"pk": "status_upload"}, "get", ANY_405),
    Row("inclusion:status_import_commit",      {"pk": "status_upload"}, "post", (L, 403,   403,   GO,   403,   403,   403,    403, GO,   403), note="has errors: back to preview"),
    Row("inclusion:export",                    {"kind": "export_progress"}, "get", INCL_READ),
    Row("inclusion:export_job",                {"pk": "stats_job"}, "get",  (L,    404,   404,   200,  403,   403,   403,    403, 404,  403), note="stats's own job"),
    Row("inclusion:export_download",           {"pk": "stats_job"}, "get",  (L,    404,   404,   200,  403,   403,   403,    403, 404,  403)),
    Row("inclusion:detail",                    ZZ,                "get",    INCL_READ),
    Row("inclusion:move",                      ZZ,                "post",   (L,    403,   403,   400,  403,   403,   404,    404, 400,  404), note="no status chosen"),
    Row("inclusion:evidence_upload",           ZZ,                "post",   (L,    GO,    403,   GO,   GO,    403,   404,    404, GO,   404), note="no file: back with a message"),
    Row("inclusion:evidence_request",          ZZ,                "post",   (L,    403,   403,   GO,   403,   403,   404,    404, GO,   404), note="nothing chosen: back with a message"),
    Row("inclusion:evidence_file",             {"pk": "zz_evidence"}, "get", ZZ_READ),
    Row("api:inclusion-list",                  {},                "get",    API_INCL_READ),
    Row("api:inclusion-detail",                ZZ,                "get",    API_INCL_READ),
    Row("api:inclusion-move",                  ZZ,                "post",   (A,    403,   403,   400,  403,   403,   403,    403, 400,  403), note="empty body"),
    Row("api:inclusion-bulk",                  {},                "post",   (A,    403,   403,   400,  403,   403,   403,    403, 400,  403), note="empty body"),
    Row("api:inclusion-directory-list",        {},                "get",    API_INCL_READ),
    Row("api:inclusion-directory-detail",      {"pk": "dir_entry"}, "get",  API_INCL_READ),
    # --- issues: tickets (a unit sees its own and its projects'; the office all; leaders read) and meetings ---
    Row("issues:ticket_list",                 {},                "get",    ALL),
    Row("issues:ticket_mine",                 {},                "get",    ALL),
    Row("issues:ticket_export",               {},                "get",    ALL),
    Row("issues:ticket_supervised",           {},                "get",    ALL),
    Row("issues:ticket_stats",                {},                "get",    ALL),
    Row("issues:deadline_settings",           {},                "get",    (L,    200,   403,   403,  403,   403,   403,    403, 200,  403)),
    Row("issues:ticket_detail",               TICKET,            "get",    ZZ_READ),
    Row("issues:ticket_action",               {**TICKET, "action": "sign"}, "get", ANY_405),
    Row("issues:ticket_action",               {**TICKET, "action": "sign"}, "post", (L, 403,  403,   403,  GO,    GO,    404,    404, 403,  404), note="only the handling unit signs"),
    Row("issues:ticket_action",               {**TICKET, "action": "supervise"}, "post", (L, GO, 403,  403,  403,   403,   404,    404, GO,   404), note="督办 is the office's"),
    Row("issues:ticket_create",               ZZ_P,              "get",    (L,    200,   403,   403,  200,   200,   404,    404, 200,  404)),
    Row("issues:attachment_file",             {"pk": "zz_attachment"}, "get", ZZ_READ),
    Row("issues:meeting_list",                {},                "get",    ALL),
    Row("issues:meeting_create",              {},                "get",    OFFICE_ONLY),
    Row("issues:meeting_detail",              MEETING,           "get",    MEETING_READ),
    Row("issues:meeting_docx",                MEETING,           "get",    MEETING_READ),
    Row("issues:meeting_edit",                MEETING,           "get",    OFFICE_ONLY),
    Row("issues:meeting_agenda",              MEETING,           "post",   MEETING_WRITE, data={"agenda-text": "金村物流通道占道审批"}),
    Row("issues:meeting_decision",            MEETING,           "post",   MEETING_WRITE, note="empty form: back to the meeting"),
    # --- API ---
    Row("api:api-root",                       {},                "get",    API_ALL),
    Row("api:project-list",                   {},                "get",    API_ALL),
    Row("api:project-list",                   {},                "post",   API_405),
    Row("api:project-totals",                 {},                "get",    API_ALL),
    Row("api:project-detail",                 ZZ,                "get",    (A,    200,   200,   200,  200,   200,   404,    404, 200,  404)),
    Row("api:project-detail",                 {"pk": "zz_road"}, "get",    (A,    200,   200,   200,  200,   200,   404,    200, 200,  404)),
    Row("api:project-detail",                 ZZ,                "delete", API_405),
    Row("api:project-detail",                 ZZ,                "patch",  API_405, data={"name": "改名"}),
    Row("api:report-list",                    {},                "get",    API_ALL),
    Row("api:report-list",                    {},                "post",   (A,    400,   403,   403,  400,   403,   400,    400, 400,  403), note="empty body"),
    Row("api:report-detail",                  {"pk": "zz_draft"}, "get",   (A,    200,   200,   200,  200,   200,   404,    404, 200,  404)),
    Row("api:report-detail",                  {"pk": "zz_draft"}, "patch", (A,    400,   403,   403,  400,   403,   404,    404, 400,  403), note="no version"),
    Row("api:report-submit",                  {"pk": "zz_draft"}, "post",  (A,    200,   403,   403,  200,   403,   404,    404, 200,  403)),
    Row("api:report-approve",                 {"pk": "zz_submitted"}, "post", (A, 200,   403,   403,  403,   200,   403,    403, 200,  403)),
    Row("api:report-return",                  {"pk": "zz_submitted"}, "post", (A, 400,   403,   403,  403,   400,   403,    403, 400,  403), note="no reason"),
    Row("api:report-correct",                 {"pk": "zz_approved"}, "post", (A,  400,   403,   403,  400,   403,   404,    404, 400,  403), note="no reason"),
    Row("api:notification-list",               {},                "get",    API_ALL),
    Row("api:notification-detail",             NOTICE,            "get",    OWN_NOTICE_API),
    Row("api:notification-read",               NOTICE,            "post",   OWN_NOTICE_API),
    Row("api:notification-read-all",           {},                "post",   API_ALL),
    Row("api:notification-unread",             {},                "get",    API_ALL),
    Row("api:workday-list",                    {},                "get",    API_ALL),
    Row("api:workday-detail",                  {"date": "spring_day"}, "get", API_ALL),
    Row("api:workday-list",                    {},                "post",   API_405),
    # --- issues API: zz_ticket is 已交办 to 泽州县; jtj_decision 已交办 to 市交通局 (409 = wrong state, 400 = missing reason) ---
    Row("api:ticket-list",                    {},                "get",    API_ALL),
    Row("api:ticket-stats",                   {},                "get",    API_ALL),
    Row("api:ticket-detail",                  TICKET,            "get",    (A,    200,   200,   200,  200,   200,   404,    404, 200,  404)),
    Row("api:ticket-assign",                  TICKET,            "post",   (A,    409,   403,   403,  403,   403,   404,    404, 409,  404)),
    Row("api:ticket-sign",                    TICKET,            "post",   (A,    403,   403,   403,  200,   200,   404,    404, 403,  404)),
    Row("api:ticket-progress",                TICKET,            "post",   (A,    400,   403,   403,  400,   400,   404,    404, 400,  404), note="no note"),
    Row("api:ticket-timetable",               TICKET,            "post",   (A,    403,   403,   403,  409,   409,   404,    404, 403,  404)),
    Row("api:ticket-report-solved",           TICKET,            "post",   (A,    403,   403,   403,  409,   409,   404,    404, 403,  404)),
    Row("api:ticket-return",                  TICKET,            "post",   (A,    409,   403,   403,  403,   403,   404,    404, 409,  404)),
    Row("api:ticket-visit",                   TICKET,            "post",   (A,    409,   403,   403,  403,   403,   404,    404, 409,  404)),
    Row("api:ticket-close",                   TICKET,            "post",   (A,    409,   403,   403,  403,   403,   404,    404, 409,  404)),
    Row("api:ticket-suspend",                 TICKET,            "post",   (A,    400,   403,   403,  403,   403,   404,    404, 400,  404), note="no reason"),
    Row("api:ticket-resume",                  TICKET,            "post",   (A,    409,   403,   403,  403,   403,   404,    404, 409,  404)),
    Row("api:ticket-supervise",               TICKET,            "post",   (A,    200,   403,   403,  403,   403,   404,    404, 200,  404)),
    Row("api:ticket-hand-up",                 TICKET,            "post",   (A,    400,   403,   403,  400,   400,   404,    404, 400,  404), note="no reason"),
    Row("api:decision-list",                  {},                "get",    API_ALL),
    Row("api:decision-detail",                {"pk": "jtj_decision"}, "get", (A,  200,   200,   200,  404,   404,   404,    200, 200,  404)),
    Row("api:decision-sign",                  {"pk": "jtj_decision"}, "post", (A, 403,   403,   403,  404,   404,   404,    200, 403,  404)),
    Row("api:decision-progress",              {"pk": "jtj_decision"}, "post", (A, 400,   403,   403,  404,   404,   404,    400, 400,  404), note="no note"),
    Row("api:decision-report-solved",         {"pk": "jtj_decision"}, "post", (A, 403,   403,   403,  404,   404,   404,    409, 403,  404)),
    Row("api:meeting-list",                   {},                "get",    API_ALL),
    Row("api:meeting-detail",                 MEETING,           "get",    (A,    200,   200,   200,  404,   404,   404,    200, 200,  404)),
    Row("api-schema",                         {},                "get",    API_ALL),
    Row("api-docs",                           {},                "get",    API_ALL),
    # --- dashboards, 赛马, map, bulletins, targets (issue 12) ---
    Row("dashboards:city",                    {},                "get",    (L,    200,   200,   200,  GO,    GO,    GO,     GO,  200,  403), note="units: to their own"),
    Row("dashboards:area",                    {"pk": "zezhou"},  "get",    (L,    200,   200,   200,  200,   200,   404,    404, 200,  404)),
    Row("dashboards:department",              {"pk": "jtj"},     "get",    (L,    200,   200,   200,  404,   404,   404,    200, 200,  404)),
    Row("dashboards:drill",                   {},                "get",    ALL, data={"set": "planned"}),
    Row("dashboards:drill",                   {},                "get",    (L,    404,   404,   404,  404,   404,   404,    404, 404,  404), data={"set": "nonsense"}),
    Row("dashboards:map",                     {},                "get",    ALL),
    Row("dashboards:ranking",                 {},                "get",    ALL),
    Row("dashboards:ranking_publish",         {},                "get",    ANY_405),
    Row("dashboards:ranking_publish",         {},                "post",   (L,    GO,    403,   403,  403,   403,   403,    403, GO,   403)),
    Row("dashboards:scheme_edit",             {},                "get",    OFFICE_ONLY),
    Row("dashboards:bulletin_list",           {},                "get",    ALL),
    Row("dashboards:bulletin_create",         {},                "get",    ANY_405),
    Row("dashboards:bulletin_create",         {},                "post",   (L,    GO,    403,   403,  403,   403,   403,    403, GO,   403)),
    Row("dashboards:bulletin_templates",      {},                "get",    OFFICE_ONLY),
    Row("dashboards:bulletin_detail",         DRAFT,             "get",    DRAFT_READ),
    Row("dashboards:bulletin_detail",         PUBLISHED,         "get",    PUBLISHED_READ),
    Row("dashboards:bulletin_edit",           DRAFT,             "get",    (L,    200,   403,   403,  404,   404,   404,    404, 200,  404)),
    Row("dashboards:bulletin_publish",        DRAFT,             "post",   (L,    GO,    403,   403,  404,   404,   404,    404, GO,   404)),
    Row("dashboards:bulletin_docx",           PUBLISHED,         "get",    PUBLISHED_READ),
    Row("dashboards:bulletin_xlsx",           DRAFT,             "get",    DRAFT_READ),
    Row("dashboards:target_list",             {},                "get",    (L,    200,   200,   200,  403,   403,   403,    403, 200,  403)),
    Row("dashboards:target_edit",             {"org_pk": "zezhou", "year": "year_2025"}, "get", OFFICE_ONLY),
    Row("dashboards:target_upload",           {},                "get",    OFFICE_ONLY, note="the sheet to fill in"),
    Row("api:dashboard-city-list",            {},                "get",    (A,    200,   200,   200,  403,   403,   403,    403, 200,  403)),
    Row("api:dashboard-area-detail",          {"pk": "zezhou"},  "get",    (A,    200,   200,   200,  200,   200,   404,    404, 200,  404)),
    Row("api:dashboard-department-detail",    {"pk": "jtj"},     "get",    (A,    200,   200,   200,  404,   404,   404,    200, 200,  404)),
    Row("api:ranking-list",                   {},                "get",    (A,    200,   200,   200,  404,   404,   404,    404, 200,  404), note="not yet published"),
    Row("api:bulletin-list",                  {},                "get",    API_ALL),
    Row("api:bulletin-detail",                PUBLISHED,         "get",    (A,    200,   200,   200,  200,   200,   200,    200, 200,  404)),
    Row("api:bulletin-detail",                DRAFT,             "get",    (A,    200,   200,   200,  404,   404,   404,    404, 200,  404)),
    # --- admin: staff only ---
    Row("admin:index",                        {},                "get",    STAFF),
    Row("admin:projects_project_changelist",  {},                "get",    STAFF),
]
# fmt: on


@pytest.fixture
def matrix_world(world):
    """The small world plus one object of each kind a route needs."""
    kinds = ApprovalKind.objects.order_by("sort_order")
    world.zz_plan = world.zz_project.annual_plans.get()
    world.gp_plan = world.gp_project.annual_plans.get()
    world.zz_approval = Approval.objects.create(project=world.zz_project, kind=kinds[0])
    world.gp_approval = Approval.objects.create(project=world.gp_project, kind=kinds[0])
    world.zz_batch = ImportBatch.objects.create(
        kind=ImportKind.LEDGER,
        file_name="泽州县台账.xlsx",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=world["zezhou"],
        organisation=world.zezhou,
        status=ImportStatus.PREVIEWED,
        summary={"counts": {"errors": 1}},
    )
    world.zz_monthly_batch = ImportBatch.objects.create(
        kind=ImportKind.MONTHLY,
        file_name="泽州县10月.xlsx",
        file_sha256="1" * 64,
        content=b"",
        uploaded_by=world["zezhou"],
        organisation=world.zezhou,
        status=ImportStatus.REJECTED,
        period_year=2025,
        period_month=10,
        summary={"year": 2025, "month": 10, "rows": []},
    )

    def report(month, status):
        return MonthlyReport.objects.create(
            project=world.zz_project,
            year=2025,
            month=month,
            invested=Decimal("100.00"),
            status=status,
            image_progress="主体结构施工",
        )

    # dashboards (issue 12)
    from types import SimpleNamespace

    from dashboards.models import Bulletin

    world.year_2025 = SimpleNamespace(pk=2025)
    world.draft_bulletin = Bulletin.objects.create(year=2025, month=10, title="草稿通报", body="[[ytd_yi]]")
    world.city_bulletin = Bulletin.objects.create(
        year=2025,
        month=9,
        title="九月通报",
        body="完成[[ytd_yi]]亿元",
        status="published",
        figures={"ytd_yi": [["1.0", None]]},
    )

    world.zz_approved = report(8, ReportStatus.APPROVED)
    world.zz_submitted = report(9, ReportStatus.SUBMITTED)
    world.zz_draft = report(10, ReportStatus.DRAFT)
    world.zz_notice = Notification.objects.create(
        recipient=world["zezhou"],
        kind="report_due",
        key="2025-10",
        title="【报送提醒】10月进展",
        url="/reports/",
    )
    world.due_schedule = Schedule.objects.get(code="report_due")
    world.spring_day = "2026-02-17"
    _issues_objects(world)
    world.zz_photo = ReportPhoto.objects.create(
        report=world.zz_draft,
        image=ContentFile(PNG_1PX, name="site.png"),
        thumbnail=ContentFile(PNG_1PX, name="site_thumb.png"),
    )
    _inclusion_objects(world)
    return world


def _inclusion_objects(world):
    """What the 入库纳统 rows need: evidence on 泽州县's project, two rejected uploads and a finished
    export job of `stats`, a directory entry, and the export kind standing in for a URL kwarg."""
    from types import SimpleNamespace

    from inclusion.models import DirectoryEntry, DirectoryUpload, EvidenceFile, EvidenceKind, ExportJob

    world.zz_evidence = EvidenceFile.objects.create(
        project=world.zz_project,
        kind=EvidenceKind.objects.get(code="site_photo"),
        file=ContentFile(PNG_1PX, name="evidence.png"),
        file_format="png",
        size=len(PNG_1PX),
    )
    upload = {"uploaded_by": world["stats"], "status": "rejected", "content": b"", "file_sha256": "2" * 64}
    world.dir_upload = DirectoryUpload.objects.create(kind="directory", file_name="名录库.xlsx", **upload)
    world.status_upload = DirectoryUpload.objects.create(kind="status", file_name="清单.xlsx", **upload)
    world.stats_job = ExportJob.objects.create(
        kind="progress", requested_by=world["stats"], status="done", file_name="进度.xlsx", content=b"PK"
    )
    world.dir_entry = DirectoryEntry.objects.create(credit_code="91140525000000001Y", name="测试单位")
    world.export_progress = SimpleNamespace(pk="progress")


def _issues_objects(world):
    from issues import services as issues_services
    from issues.models import Meeting, TicketAttachment

    office = world["office"]
    world.sign, world.supervise = "sign", "supervise"  # action names in the URL
    world.zz_ticket = issues_services.ticket_create(
        actor=office,
        project=world.zz_project,
        title="施工用电未接入",
        category="utilities",
        source="site_visit",
    )
    issues_services.ticket_assign(actor=office, ticket=world.zz_ticket, lead_unit=world.zezhou)
    world.zz_attachment = TicketAttachment.objects.create(
        ticket=world.zz_ticket,
        file=ContentFile(b"%PDF-1.4", name="x.pdf"),
        name="批复.pdf",
        size=8,
        file_type="pdf",
    )
    world.mayor_meeting = issues_services.meeting_save(
        actor=office, meeting=Meeting(level="mayor", title="市长顶格调度会", date=dt.date(2026, 10, 20))
    )
    world.jtj_decision = issues_services.decision_create(
        actor=office,
        meeting=world.mayor_meeting,
        title="协调金村物流通道占道施工审批",
        lead_unit=world.jtj,
        deadline=dt.date.today() + dt.timedelta(days=30),
    )


def _outcome(response) -> str:
    location = response.get("Location", "")
    return f"{response.status_code} → {location}" if location else str(response.status_code)


def _matches(expected, response) -> bool:
    code, location = response.status_code, response.get("Location", "")
    if expected == LOGIN:
        return code == 302 and location.startswith("/accounts/login/")
    if expected == API_ANON:
        return code in (401, 403)
    if expected == ADMIN:
        return code == 302 and location.startswith("/admin/login/")
    if expected == GO:
        return code == 302 and not location.startswith(("/accounts/login/?", "/admin/login/"))
    return code == expected


def _request(client, row: Row, url: str, world):
    method = getattr(client, row.method)
    # A data value naming an object of the matrix world stands for its id ({"unit": "zezhou"}).
    data = {
        k: getattr(getattr(world, v, None), "pk", v) if isinstance(v, str) else v for k, v in row.data.items()
    }
    if row.method in ("put", "patch", "delete") or url.startswith("/api/") and row.method == "post":
        return method(url, data=data, content_type="application/json")
    return method(url, data=data)


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.label)
def test_matrix(row, matrix_world, client):
    # A kwarg names a matrix-world object (its pk goes in the URL) or a plain value (a date).
    kwargs = {
        k: getattr(getattr(matrix_world, v), "pk", getattr(matrix_world, v)) for k, v in row.kwargs.items()
    }
    url = reverse(row.name, kwargs=kwargs)
    lines, failed = [], False
    for persona, expected in zip(PERSONAS, row.expected, strict=True):
        # Each persona starts from the same data: a write that succeeds is rolled back.
        with transaction.atomic():
            client.logout()
            if persona != "anon":
                client.force_login(matrix_world[persona])
            response = _request(client, row, url, matrix_world)
            transaction.set_rollback(True)
        ok = _matches(expected, response)
        failed |= not ok
        lines.append(
            f"  {persona:<12} expected {expected!s:<12} got {_outcome(response):<40} {'' if ok else '✗'}"
        )
    assert not failed, f"{row.label}  {url}\n" + "\n".join(lines)


def _named_routes():
    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace not in UNCOVERED_NAMESPACES:
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    return set(walk(get_resolver().url_patterns, None))


def test_every_named_route_is_in_the_matrix():
    missing = _named_routes() - {row.name for row in MATRIX}
    assert not missing, (
        "These routes have no row in tests/test_matrix.py MATRIX; add one saying who may open them:\n  "
        + "\n  ".join(sorted(missing))
    )


def test_matrix_rows_name_existing_routes():
    known = _named_routes() | {"admin:index", "admin:projects_project_changelist"}
    assert {row.name for row in MATRIX} <= known


# --- no leaks through lists, filters, search or totals -------------------------------------------

GP_NAME = "高平市米山新材料项目"


def test_zezhou_searching_for_gaopings_project_finds_nothing_in_html_or_api(world, client_for):
    client = client_for("zezhou")
    page = client.get("/projects/", {"search": GP_NAME})
    assert page.status_code == 200
    assert page.context["totals"].count == 0
    body = page.content.decode()
    assert body.count(GP_NAME) == 1, "only the search box echoes the term"
    assert f"/projects/{world.gp_project.pk}/" not in body and world.gp_project.construction_unit not in body
    api = client.get("/api/v1/projects/", {"search": GP_NAME}).json()
    assert api["count"] == 0
    totals = client.get("/api/v1/projects/totals/", {"search": GP_NAME}).json()
    assert totals["count"] == 0 and totals["total_investment"] == "0.00"


def test_the_same_search_finds_it_for_the_office_and_gaoping(world, client_for):
    """The search above would find the project if it were in scope (so 0 means scoped, not broken)."""
    for persona in ("office", "gaoping"):
        client = client_for(persona)
        assert client.get("/projects/", {"search": GP_NAME}).context["totals"].count == 1
        assert client.get("/api/v1/projects/", {"search": GP_NAME}).json()["count"] == 1


def test_filtering_by_another_county_shows_nothing(world, client_for):
    client = client_for("zezhou")
    page = client.get("/projects/", {"county": world.gaoping.pk})
    assert page.status_code == 200
    assert GP_NAME not in page.content.decode()
    assert f"/projects/{world.gp_project.pk}/" not in page.content.decode()
    assert page.context["totals"].count == 0
    assert client.get("/api/v1/projects/", {"county": world.gaoping.pk}).json()["count"] == 0


def test_zezhou_totals_are_its_own_sums_in_html_and_api(world, client_for):
    world.zz_road.total_investment = world.zz_road.fund_self_raised = Decimal("2500.25")
    world.zz_road.save()
    client = client_for("zezhou")
    page = client.get("/projects/", {"year": 2025})
    totals = page.context["totals"]
    assert (totals.count, totals.total_investment, totals.annual_planned) == (
        2,
        Decimal("12500.25"),
        Decimal("2400.00"),
    )
    api = client.get("/api/v1/projects/totals/", {"year": 2025}).json()
    assert api == {"count": 2, "total_investment": "12500.25", "annual_planned": "2400.00", "year": 2025}


def test_html_list_and_api_agree_for_every_persona(world, client_for):
    for persona in PERSONAS[1:]:
        client = client_for(persona)
        html = client.get("/projects/", {"year": 2025}).context["totals"]
        api = client.get("/api/v1/projects/totals/", {"year": 2025}).json()
        assert (html.count, html.total_investment, html.annual_planned) == (
            api["count"],
            Decimal(api["total_investment"]),
            Decimal(api["annual_planned"]),
        ), persona


def test_department_sees_only_the_project_it_leads_in_lists(world, client_for):
    client = client_for("jtj")
    page = client.get("/projects/")
    body = page.content.decode()
    assert "泽州县金村物流通道" in body
    assert "泽州县巴公智能装备产业园" not in body and GP_NAME not in body
    assert page.context["totals"].count == 1


def test_outsider_sees_no_project_anywhere(world, client_for):
    client = client_for("outsider")
    assert client.get("/projects/").context["totals"].count == 0
    assert client.get("/api/v1/projects/").json()["count"] == 0
    assert client.get("/api/v1/projects/totals/").json()["count"] == 0
    home = client.get("/").content.decode()
    for name in ("泽州县巴公智能装备产业园", "泽州县金村物流通道", GP_NAME):
        assert name not in home


def test_out_of_scope_history_and_dossier_do_not_reveal_the_name(world, client_for):
    client = client_for("gaoping")
    for url in (
        f"/projects/{world.zz_project.pk}/",
        f"/projects/{world.zz_project.pk}/history/",
        f"/api/v1/projects/{world.zz_project.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "巴公智能装备" not in response.content.decode()


def test_the_transition_row_really_moves_the_project_for_its_reporter(matrix_world, client_for):
    """The matrix rolls successful writes back; check one of them did what the status suggests."""
    client = client_for("zezhou")
    response = client.post(
        f"/projects/{matrix_world.zz_project.pk}/transition/", {"to": "suspended", "reason": "资金未到位"}
    )
    assert response.status_code == 302
    matrix_world.zz_project.refresh_from_db()
    assert matrix_world.zz_project.stage == "suspended"
    assert matrix_world.zz_project.stage_changes.get(to_stage="suspended").actor == matrix_world["zezhou"]
    assert dt.date.today() >= matrix_world.zz_project.actual_start
