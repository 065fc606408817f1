from django import forms

from .choices import InclusionStatus
from .models import EvidenceKind

CONTROL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}


class MoveForm(forms.Form):
    to = forms.ChoiceField(label="改为", choices=InclusionStatus.choices, widget=forms.Select(attrs=SELECT))
    stats_number = forms.CharField(
        label="统计库项目编号", max_length=40, required=False, widget=forms.TextInput(attrs=CONTROL)
    )
    on = forms.DateField(
        label="日期", required=False, widget=forms.DateInput(attrs={**CONTROL, "type": "date"})
    )
    reason = forms.CharField(
        label="原因/说明", max_length=500, required=False, widget=forms.TextInput(attrs=CONTROL)
    )
    duplicate_note = forms.CharField(
        label="重复核实说明", max_length=500, required=False, widget=forms.TextInput(attrs=CONTROL)
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), required=True, error_messages={"required": "请先勾选项目。"}
    )
    to = forms.ChoiceField(
        choices=[
            (InclusionStatus.DECLARED, "标记为已申报"),
            (InclusionStatus.RETURNED, "退回"),
            (InclusionStatus.PENDING, "改回待申报"),
        ]
    )
    reason = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the selector keeps only the projects in the user's scope.
        self.fields["ids"].choices = (
            [(v, v) for v in self.data.getlist("ids")] if hasattr(self.data, "getlist") else []
        )


class EvidenceForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="资料类型",
        queryset=EvidenceKind.objects.filter(is_active=True),
        widget=forms.Select(attrs=SELECT),
    )
    file = forms.FileField(label="文件（PDF/JPEG/PNG）", widget=forms.ClearableFileInput(attrs=CONTROL))


class RequestForm(forms.Form):
    kinds = forms.ModelMultipleChoiceField(
        label="需要补充的资料",
        queryset=EvidenceKind.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择需要补充的资料。"},
    )
    message = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.TextInput(attrs=CONTROL)
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="文件", widget=forms.ClearableFileInput(attrs={**CONTROL, "accept": ".xlsx,.csv"})
    )


class RuleForm(forms.Form):
    rule = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    is_active = forms.BooleanField(required=False)
    threshold = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)
