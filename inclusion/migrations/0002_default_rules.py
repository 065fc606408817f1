"""The common conditions of 入库纳统 (DOMAIN §8) as the bureau's starting rules; it edits them after."""

from django.db import migrations

EVIDENCE = [
    ("approval", "立项/备案文件", "pdf,jpeg,png", 10),
    ("start_proof", "施工许可或开工证明", "pdf,jpeg,png", 20),
    ("contract", "施工合同", "pdf,jpeg,png", 30),
    ("invoice", "发票", "pdf,jpeg,png", 40),
    ("site_photo", "现场照片", "jpeg,png", 50),
]
RULES = [
    ("min_investment", "计划总投资达到起点", None, 10),
    ("started", "已实际开工", None, 20),
    ("legal_entity", "建设单位为法人单位（有效统一社会信用代码）", None, 30),
    ("in_directory", "建设单位在名录库中", None, 40),
]


def forwards(apps, schema_editor):
    EvidenceKind = apps.get_model("inclusion", "EvidenceKind")
    InclusionRule = apps.get_model("inclusion", "InclusionRule")
    for code, name, formats, order in EVIDENCE:
        kind, _ = EvidenceKind.objects.get_or_create(
            code=code, defaults={"name": name, "formats": formats, "sort_order": order}
        )
        InclusionRule.objects.get_or_create(
            kind="evidence", evidence_kind=kind, defaults={"name": f"已上传{name}", "sort_order": 50 + order}
        )
    for kind, name, threshold, order in RULES:
        InclusionRule.objects.get_or_create(kind=kind, defaults={"name": name, "threshold": threshold, "sort_order": order})


def backwards(apps, schema_editor):
    apps.get_model("inclusion", "InclusionRule").objects.all().delete()
    apps.get_model("inclusion", "EvidenceKind").objects.filter(code__in=[e[0] for e in EVIDENCE]).delete()


class Migration(migrations.Migration):
    dependencies = [("inclusion", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
