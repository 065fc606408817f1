"""The one set of query parameters of the screening page, its exports and `/api/v1/inclusion/`.

The rules are checked in Python over the rows read in bulk, so this is a plain form whose cleaned
data the selector applies (`inclusion.selectors.screening`), the same for the page and the API.
"""

from __future__ import annotations

from django import forms

from accounts.choices import AREA_KINDS, OrgKind
from accounts.forms import OrganisationChoiceField
from accounts.models import Organisation

from .choices import InclusionStatus

LISTS = [
    ("screening", "应入未入"),
    ("declared", "已申报"),
    ("included", "已入库"),
    ("returned", "已退回"),
    ("all", "全部"),
]
ORDERINGS = [
    ("-days", "开工天数（长→短）"),
    ("days", "开工天数（短→长）"),
    ("-total_investment", "总投资（大→小）"),
    ("county", "县（市、区）"),
    ("name", "项目名称"),
]


class InclusionFilterForm(forms.Form):
    list = forms.ChoiceField(label="清单", choices=LISTS, required=False)
    county = OrganisationChoiceField(
        label="县（市、区）",
        queryset=Organisation.objects.filter(kind__in=(OrgKind.CITY, *AREA_KINDS), is_active=True),
        required=False,
        empty_label="全部",
    )
    department = OrganisationChoiceField(
        label="责任单位",
        queryset=Organisation.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True),
        required=False,
        empty_label="全部",
    )
    status = forms.ChoiceField(
        label="入库状态", choices=[("", "全部"), *InclusionStatus.choices], required=False
    )
    lacks = forms.IntegerField(label="尚缺条件", required=False, min_value=1)
    ready = forms.ChoiceField(
        label="申报材料", choices=[("", "全部"), ("yes", "已齐全"), ("no", "尚缺")], required=False
    )
    duplicate = forms.ChoiceField(
        label="疑似重复", choices=[("", "全部"), ("yes", "疑似重复")], required=False
    )
    min_days = forms.IntegerField(label="开工天数不少于", required=False, min_value=0, max_value=100000)
    search = forms.CharField(label="搜索（名称/代码/建设单位）", required=False, max_length=100)
    ordering = forms.ChoiceField(label="排序", choices=ORDERINGS, required=False)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lacks"].widget = forms.Select(
            choices=[("", "全部")] + [(r.id, r.name) for r in rules if r.group == "readiness"]
        )
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class",
                "form-select form-select-sm"
                if isinstance(f.widget, forms.Select)
                else "form-control form-control-sm",
            )

    def values(self) -> dict:
        """The cleaned filters (defaults for anything missing); call after `is_valid()`."""
        data = dict(self.cleaned_data) if hasattr(self, "cleaned_data") else {}
        data["list"] = data.get("list") or "screening"
        data["ordering"] = data.get("ordering") or "-days"
        return data
