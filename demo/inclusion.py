"""入库纳统 in the demo city: the bureau's directory for most construction units (a few names spelled
differently, a few units missing), evidence for most started projects, and inclusion records in every
status, so `stats` finds projects started months ago and still unincluded, with what each lacks."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from inclusion.choices import InclusionStatus
from inclusion.models import (
    DirectoryEntry,
    EvidenceFile,
    EvidenceKind,
    EvidenceRequest,
    InclusionEvent,
    InclusionRecord,
)
from inclusion.rules import STARTED_STAGES
from projects.models import Project

from .fastinsert import insert_instances

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
RETURN_REASONS = [
    "发票金额与施工合同不一致，请核实后重新申报",
    "开工证明缺少监理单位签章",
    "项目法人单位与名录库登记信息不一致",
    "现场照片未显示施工实景，请补充",
    "与已入库项目疑似重复，请说明",
]


def _demo_file(name: str, data: bytes) -> str:
    path = f"inclusion/evidence/demo/{name}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return path


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(out, "PNG")
    return out.getvalue()


def seed_inclusion(*, today: dt.date, seed: int) -> dict[str, int]:
    rng = random.Random(seed + 13)
    stats = User.objects.filter(username="stats").first()
    pdf_path, png_path = _demo_file("demo.pdf", DEMO_PDF), _demo_file("demo.png", _png())
    projects = list(
        Project.objects.order_by("pk").values(
            "pk",
            "construction_unit",
            "credit_code",
            "stage",
            "actual_start",
            "total_investment",
            "county__division_code",
        )
    )
    # The directory: most units, some names spelled as the bureau's register spells them.
    units = {}
    for p in projects:
        if p["credit_code"] and p["credit_code"] not in units:
            units[p["credit_code"]] = p["construction_unit"]
    existing = set(DirectoryEntry.objects.values_list("credit_code", flat=True))
    entries = []
    missing_units = set()
    for code, name in sorted(units.items()):
        roll = rng.random()
        if roll < 0.08:
            missing_units.add(code)
            continue
        if code in existing:
            continue
        if roll < 0.12 and name.endswith("有限公司"):
            name = name[: -len("有限公司")] + "有限责任公司"
        entries.append(
            DirectoryEntry(credit_code=code, name=name, division_code="", updated_at=timezone.now())
        )
    insert_instances(DirectoryEntry, entries)

    kinds = list(EvidenceKind.objects.filter(is_active=True).order_by("sort_order"))
    started = [
        p
        for p in projects
        if p["stage"] in STARTED_STAGES
        and p["actual_start"]
        and p["actual_start"] <= today
        and p["total_investment"] >= 500
    ]
    evidence, records, complete = [], [], []
    now = timezone.now()
    for p in started:
        roll = rng.random()
        if roll < 0.25:
            have = []  # started, nothing uploaded yet
        elif roll < 0.45:
            have = [k for k in kinds if rng.random() < 0.6]
        else:
            have = kinds
        for k in have:
            photo = k.format_list == ["jpeg", "png"]
            evidence.append(
                EvidenceFile(
                    project_id=p["pk"],
                    kind=k,
                    file=png_path if photo else pdf_path,
                    original_name=f"{k.name}.{'png' if photo else 'pdf'}",
                    file_format="png" if photo else "pdf",
                    size=len(DEMO_PDF),
                    uploaded_by=None,
                    uploaded_at=now,
                )
            )
        if len(have) == len(kinds) and p["credit_code"] and p["credit_code"] not in missing_units:
            complete.append(p)
    EvidenceFile.objects.bulk_create(evidence, batch_size=1000)

    # Records: the ready projects started longest ago are mostly in; recent ones declared or waiting.
    complete.sort(key=lambda p: p["actual_start"])
    counter = Counter()
    plans = []
    for i, p in enumerate(complete):
        age = (today - p["actual_start"]).days
        roll = rng.random()
        if age > 60 and roll < 0.55:
            status = InclusionStatus.INCLUDED
        elif roll < 0.70:
            status = InclusionStatus.DECLARED
        elif roll < 0.80:
            status = InclusionStatus.RETURNED
        else:
            continue  # 待申报: ready, waiting for the bureau
        counter[status] += 1
        declared = min(today, p["actual_start"] + dt.timedelta(days=rng.randint(20, 60)))
        included = min(today, declared + dt.timedelta(days=rng.randint(10, 30)))
        division = p["county__division_code"] or "140500"
        plans.append((p, status, declared, included, f"{division}{p['actual_start']:%Y}{i:05d}"))
    for p, status, declared, included, number in plans:
        records.append(
            InclusionRecord(
                project_id=p["pk"],
                status=status,
                declared_on=declared,
                included_on=included if status == InclusionStatus.INCLUDED else None,
                returned_on=included if status == InclusionStatus.RETURNED else None,
                stats_number=number if status == InclusionStatus.INCLUDED else "",
                return_reason=rng.choice(RETURN_REASONS) if status == InclusionStatus.RETURNED else "",
                handler=stats,
                version=1,
                updated_at=now,
            )
        )
    insert_instances(InclusionRecord, records)
    ids = dict(InclusionRecord.objects.values_list("project_id", "pk"))
    events = []
    for p, status, declared, included, _number in plans:
        record_id = ids[p["pk"]]
        at = timezone.make_aware(dt.datetime.combine(declared, dt.time(10)))
        events.append(
            InclusionEvent(
                record_id=record_id,
                from_status=InclusionStatus.PENDING,
                to_status=InclusionStatus.DECLARED,
                actor=stats,
                at=at,
            )
        )
        if status != InclusionStatus.DECLARED:
            reason = "" if status == InclusionStatus.INCLUDED else "退回"
            events.append(
                InclusionEvent(
                    record_id=record_id,
                    from_status=InclusionStatus.DECLARED,
                    to_status=status,
                    actor=stats,
                    at=timezone.make_aware(dt.datetime.combine(included, dt.time(15))),
                    reason=reason,
                )
            )
    insert_instances(InclusionEvent, events)

    # The bureau has asked a few units lacking documents for them.
    lacking = [p for p in started if p not in complete]
    asked = 0
    for p in rng.sample(lacking, min(40, len(lacking))):
        request = EvidenceRequest.objects.create(
            project_id=p["pk"], message="请于本月25日前上传", requested_by=stats, requested_at=now
        )
        request.kinds.set(rng.sample(kinds, 2))
        asked += 1
    return {
        "directory": len(entries),
        "evidence": len(evidence),
        "included": counter[InclusionStatus.INCLUDED],
        "declared": counter[InclusionStatus.DECLARED],
        "returned": counter[InclusionStatus.RETURNED],
        "requests": asked,
    }
