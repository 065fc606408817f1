"""Every status move, bulk moves, evidence, requests and the directory import, as the bureau meets them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditLog
from inclusion import services
from inclusion.choices import InclusionStatus as S
from inclusion.models import DirectoryEntry, EvidenceKind, EvidenceRequest, InclusionRecord
from inclusion.selectors import evidence_request_recipients, inclusion_detail, screening
from inclusion.services import InclusionError, inclusion_bulk, inclusion_move
from projects.exceptions import ConflictError
from tests.factories import ProjectFactory, make_user
from tests.inclusion.conftest import PDF, TODAY, credit_code, pdf_upload, png_upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def move(world, project, to, **kw):
    return inclusion_move(actor=world["stats"], project=project, to=to, today=TODAY, **kw)


def test_the_whole_way_to_included_leaves_a_history(ready):
    p = ready.zz_project
    r = move(ready, p, S.DECLARED, on=dt.date(2025, 11, 3))
    assert (r.status, r.declared_on, r.handler) == (S.DECLARED, dt.date(2025, 11, 3), ready["stats"])
    r = move(ready, p, S.INCLUDED, stats_number="tj-2025-0001")
    assert (r.status, r.stats_number, r.included_on) == (S.INCLUDED, "TJ-2025-0001", TODAY)
    events = list(r.events.order_by("at", "id").values_list("from_status", "to_status"))
    assert events == [(S.PENDING, S.DECLARED), (S.DECLARED, S.INCLUDED)]
    logs = AuditLog.objects.filter(root_key=f"projects.project:{p.pk}", action="transition")
    assert logs.count() == 2 and "已申报 → 已入库" in logs.first().message


def test_return_and_declare_again_and_reset(ready):
    p = ready.zz_project
    move(ready, p, S.DECLARED)
    with pytest.raises(InclusionError, match="退回须填写原因"):
        move(ready, p, S.RETURNED)
    r = move(ready, p, S.RETURNED, reason="发票与合同金额不符")
    assert (r.status, r.return_reason, r.returned_on) == (S.RETURNED, "发票与合同金额不符", TODAY)
    assert move(ready, p, S.DECLARED).status == S.DECLARED
    move(ready, p, S.RETURNED, reason="重复申报")
    assert move(ready, p, S.PENDING).status == S.PENDING
    assert r.events.count() == 5


def test_withdrawing_an_inclusion_needs_a_reason_and_clears_the_number(ready):
    p = ready.zz_project
    move(ready, p, S.DECLARED)
    move(ready, p, S.INCLUDED, stats_number="A1")
    with pytest.raises(InclusionError, match="撤销入库须填写原因"):
        move(ready, p, S.DECLARED)
    r = move(ready, p, S.DECLARED, reason="编号录错")
    assert (r.status, r.stats_number, r.included_on) == (S.DECLARED, "", None)


@pytest.mark.parametrize(
    "path,refused",
    [
        ([], S.INCLUDED),  # 待申报 → 已入库 skips the declaration
        ([], S.RETURNED),  # nothing declared to return
        ([(S.DECLARED, {}), (S.INCLUDED, {"stats_number": "B1"})], S.RETURNED),
        ([(S.DECLARED, {}), (S.INCLUDED, {"stats_number": "B2"})], S.PENDING),
        ([(S.DECLARED, {}), (S.RETURNED, {"reason": "x"})], S.INCLUDED),
    ],
)
def test_moves_outside_the_map_are_refused(ready, path, refused):
    p = ready.zz_project
    for to, kw in path:
        move(ready, p, to, **kw)

    def status():
        return InclusionRecord.objects.filter(project=p).values_list("status", flat=True).first()

    before = status()
    with pytest.raises(InclusionError, match="不能直接改为"):
        move(ready, p, refused, reason="r", stats_number="C9")
    assert status() == before


def test_a_move_to_the_current_status_changes_nothing(ready):
    p = ready.zz_project
    r = move(ready, p, S.DECLARED)
    again = move(ready, p, S.DECLARED)
    assert again.version == r.version and again.events.count() == 1


def test_declaring_needs_everything_the_rules_ask(incl):
    with pytest.raises(InclusionError, match="尚缺：缺少立项/备案文件"):
        move(incl, incl.zz_project, S.DECLARED)
    small = ProjectFactory(county=incl.zezhou, total_investment=Decimal("100"), credit_code=credit_code(8))
    with pytest.raises(InclusionError, match="不符合入库条件"):
        move(incl, small, S.DECLARED)
    assert not InclusionRecord.objects.filter(status=S.DECLARED).exists()


def test_including_needs_a_unique_statistics_number(ready):
    move(ready, ready.zz_project, S.DECLARED)
    move(ready, ready.zz_road, S.DECLARED)
    with pytest.raises(InclusionError, match="须填写统计库项目编号"):
        move(ready, ready.zz_project, S.INCLUDED)
    move(ready, ready.zz_project, S.INCLUDED, stats_number="N-1")
    with pytest.raises(InclusionError, match="已用于“泽州县巴公智能装备产业园”"):
        move(ready, ready.zz_road, S.INCLUDED, stats_number="n-1")


def test_a_stale_version_is_a_conflict(ready):
    r = move(ready, ready.zz_project, S.DECLARED)
    with pytest.raises(ConflictError):
        move(ready, ready.zz_project, S.RETURNED, reason="x", version=r.version - 1)


def test_only_the_bureau_moves(ready):
    for persona in ("office", "leader", "zezhou", "zezhou_head"):
        with pytest.raises(PermissionDenied):
            inclusion_move(actor=ready[persona], project=ready.zz_project, to=S.DECLARED, today=TODAY)
    assert inclusion_move(actor=ready["zz_stats"], project=ready.zz_project, to=S.DECLARED, today=TODAY)


def test_a_suspected_duplicate_is_flagged_before_either_is_declared(ready):
    twin = ProjectFactory(
        name="泽州县巴公智能装备产业园项目",
        county=ready.zezhou,
        construction_unit=ready.zz_project.construction_unit,
        credit_code=ready.zz_project.credit_code,
    )
    row = next(
        r for r in screening(user=ready["stats"], year=2025, month=10, today=TODAY).rows if r.id == twin.pk
    )
    assert row.duplicates == [
        {
            "id": ready.zz_project.pk,
            "name": "泽州县巴公智能装备产业园",
            "reason": "同一建设单位，项目名称相同或相近",
        }
    ]
    with pytest.raises(InclusionError, match="疑似重复"):
        move(ready, ready.zz_project, S.DECLARED)
    r = move(ready, ready.zz_project, S.DECLARED, duplicate_note="二期为另一项目，已核实")
    assert r.duplicate_note == "二期为另一项目，已核实"
    # A different unit with the same name is not a duplicate; nor is a different name of the same unit.
    other = ProjectFactory(name="泽州县巴公智能装备产业园", county=ready.gaoping)
    far = ProjectFactory(
        name="泽州县金村污水处理厂", credit_code=ready.zz_project.credit_code, county=ready.zezhou
    )
    flagged = {
        r.id for r in screening(user=ready["stats"], year=2025, month=10, today=TODAY).rows if r.duplicates
    }
    assert other.pk not in flagged and far.pk not in flagged


def test_bulk_moves_the_ready_and_says_why_the_others_were_skipped(ready):
    lacking = ProjectFactory(name="泽州县缺资料项目", county=ready.zezhou, credit_code=credit_code(5))
    from projects.models import Project

    result = inclusion_bulk(
        actor=ready["stats"],
        projects=Project.objects.filter(pk__in=[ready.zz_project.pk, ready.zz_road.pk, lacking.pk]).order_by(
            "pk"
        ),
        to=S.DECLARED,
        today=TODAY,
    )
    assert result.moved == [ready.zz_project.pk, ready.zz_road.pk]
    assert [(pid, "尚缺" in why) for pid, _n, why in result.skipped] == [(lacking.pk, True)]
    with pytest.raises(InclusionError, match="批量操作不能直接入库"):
        inclusion_bulk(actor=ready["stats"], projects=Project.objects.all(), to=S.INCLUDED)


# --- evidence ------------------------------------------------------------------------------


def test_evidence_is_checked_by_content_and_kind(incl):
    kinds = {k.code: k for k in EvidenceKind.objects.all()}
    zz = incl["zezhou"]
    e = services.evidence_add(actor=zz, project=incl.zz_project, kind=kinds["approval"], upload=pdf_upload())
    assert (e.file_format, e.size, e.original_name) == ("pdf", len(PDF), "立项批复.pdf")
    with pytest.raises(InclusionError, match="现场照片仅支持 JPEG、PNG 格式，该文件为 PDF"):
        services.evidence_add(
            actor=zz, project=incl.zz_project, kind=kinds["site_photo"], upload=pdf_upload()
        )
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(InclusionError, match="不是有效的"):
        services.evidence_add(actor=zz, project=incl.zz_project, kind=kinds["contract"], upload=fake)
    with pytest.raises(InclusionError, match="文件为空"):
        services.evidence_add(
            actor=zz, project=incl.zz_project, kind=kinds["contract"], upload=SimpleUploadedFile("a.pdf", b"")
        )


def test_evidence_size_is_limited(incl, settings):
    settings.INCLUSION_EVIDENCE_MAX_BYTES = 100
    kind = EvidenceKind.objects.get(code="invoice")
    with pytest.raises(InclusionError, match="文件过大"):
        services.evidence_add(actor=incl["zezhou"], project=incl.zz_project, kind=kind, upload=pdf_upload())


def test_readers_cannot_upload_evidence(incl):
    kind = EvidenceKind.objects.get(code="invoice")
    for persona in ("leader", "zezhou_head"):
        with pytest.raises(PermissionDenied):
            services.evidence_add(
                actor=incl[persona], project=incl.zz_project, kind=kind, upload=pdf_upload()
            )


def test_a_request_is_seen_by_the_unit_and_closes_when_the_documents_arrive(incl):
    kinds = EvidenceKind.objects.filter(code__in=["invoice", "site_photo"])
    request = services.evidence_request(
        actor=incl["stats"], project=incl.zz_project, kinds=kinds, message="请补充10月发票"
    )
    assert list(evidence_request_recipients(incl.zz_project)) == [incl["zezhou"]]
    # The unit's reporter is told once, with what to upload and a link to the project's page.
    from scheduling.models import Notification

    [told] = Notification.objects.filter(kind="inclusion_evidence")
    assert told.recipient == incl["zezhou"] and told.url == f"/projects/{incl.zz_project.pk}/"
    assert "请补充10月发票" in told.body and "统计局要求补充" in told.body
    detail = inclusion_detail(user=incl["zezhou"], pk=incl.zz_project.pk)
    assert [r.pk for r in detail.open_requests] == [request.pk]
    services.evidence_add(
        actor=incl["zezhou"], project=incl.zz_project, kind=kinds.get(code="invoice"), upload=pdf_upload()
    )
    assert EvidenceRequest.objects.get(pk=request.pk).resolved_at is None  # the photo is still missing
    services.evidence_add(
        actor=incl["zezhou"], project=incl.zz_project, kind=kinds.get(code="site_photo"), upload=png_upload()
    )
    assert EvidenceRequest.objects.get(pk=request.pk).resolved_at is not None
    with pytest.raises(PermissionDenied):
        services.evidence_request(actor=incl["zezhou"], project=incl.zz_project, kinds=kinds)


def test_recipients_include_the_construction_units_own_account(incl):
    from accounts.choices import OrgKind
    from tests.factories import make_org

    ent = make_org(
        "晋城市测试建设有限公司0000", OrgKind.ENTERPRISE, incl.zezhou, credit_code=incl.zz_project.credit_code
    )
    ent_user = make_user("qiye", ent, "reporter")
    make_user("qiye_reader", ent)  # no reporting role: not told
    assert set(evidence_request_recipients(incl.zz_project)) == {incl["zezhou"], ent_user}


# --- the directory -------------------------------------------------------------------------


def test_directory_import_previews_then_writes_all_or_nothing(incl):
    existing = incl.zz_project.credit_code
    new = credit_code(77)
    data = xlsx_bytes(
        [
            ["晋城市统计局名录库（2025年10月）"],
            ["统一社会信用代码", "单位详细名称", "行政区划代码"],
            [existing, "晋城市测试建设（集团）有限公司", "140525"],
            [new, "山西新建材料有限公司", "140525"],
            [incl.zz_road.credit_code, incl.zz_road.construction_unit, "140525"],
            [None, None, None],
            ["合计", None, None],
        ]
    )
    batch = services.directory_import_preview(actor=incl["stats"], data=data, file_name="名录库.xlsx")
    assert batch.summary["counts"] == {"create": 1, "update": 1, "unchanged": 1, "errors": 0}
    assert not DirectoryEntry.objects.filter(credit_code=new).exists()
    assert services.directory_import_commit(actor=incl["stats"], upload=batch) == 2
    assert DirectoryEntry.objects.get(credit_code=existing).name == "晋城市测试建设（集团）有限公司"
    assert DirectoryEntry.objects.get(credit_code=new).name == "山西新建材料有限公司"
    assert services.directory_import_commit(actor=incl["stats"], upload=batch) == 0  # not twice


def test_a_directory_with_a_bad_row_writes_nothing(incl):
    good, bad = credit_code(80), credit_code(81)[:-1] + "I"
    csv = f"统一社会信用代码,单位名称\n{good},山西好单位有限公司\n{bad},坏代码单位\n,无代码单位\n".encode()
    batch = services.directory_import_preview(actor=incl["stats"], data=csv, file_name="名录库.csv")
    assert batch.status == "rejected"
    reasons = [e["reason"] for e in batch.summary["errors"]]
    assert len(reasons) == 2 and "缺少统一社会信用代码" in reasons
    with pytest.raises(InclusionError, match="文件有错误"):
        services.directory_import_commit(actor=incl["stats"], upload=batch)
    assert not DirectoryEntry.objects.filter(credit_code=good).exists()


def test_directory_refuses_files_it_will_not_read(incl):
    from projects.importing.safety import UnsafeFile

    with pytest.raises(UnsafeFile):
        services.directory_import_preview(actor=incl["stats"], data=b"<html></html>", file_name="x.xlsx")
    with pytest.raises(UnsafeFile, match="未找到表头"):
        services.directory_import_preview(
            actor=incl["stats"], data=xlsx_bytes([["a", "b"]]), file_name="x.xlsx"
        )
    with pytest.raises(PermissionDenied):
        services.directory_import_preview(actor=incl["zezhou"], data=b"", file_name="x.csv")
