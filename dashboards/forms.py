import json
from decimal import Decimal

from django import forms
from django.forms import formset_factory

from reporting import measures

from .choices import Dimension, Method
from .models import TARGET_FIELDS, Target


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = TARGET_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class IndicatorForm(forms.Form):
    dimension = forms.ChoiceField(label="维度", choices=Dimension.choices)
    code = forms.ChoiceField(label="指标", choices=[(c, i["label"]) for c, i in measures.INDICATORS.items()])
    weight = forms.DecimalField(label="分值", min_value=Decimal("0"), max_digits=6, decimal_places=2)
    method = forms.ChoiceField(label="计分方式", choices=Method.choices)
    floor = forms.DecimalField(label="保底值", required=False, max_digits=10, decimal_places=2)
    target = forms.DecimalField(label="目标值", required=False, max_digits=10, decimal_places=2)
    thresholds = forms.CharField(label="分档 [[不低于, 得分], …]", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean_thresholds(self):
        text = (self.cleaned_data.get("thresholds") or "").strip()
        if not text:
            return []
        try:
            value = json.loads(text)
            assert isinstance(value, list) and all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(x, int | float) for x in p)
                for p in value
            )
        except (ValueError, AssertionError) as exc:
            raise forms.ValidationError(
                "分档格式应为 [[30, 10], [20, 5]]：不低于30得10分，不低于20得5分。"
            ) from exc
        return value

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == Method.LINEAR and (data.get("floor") is None or data.get("target") is None):
            raise forms.ValidationError("线性计分须填写保底值和目标值。")
        if method == Method.LINEAR and data.get("floor") == data.get("target"):
            raise forms.ValidationError("线性计分的保底值和目标值不能相同。")
        if method == Method.THRESHOLD and not data.get("thresholds"):
            raise forms.ValidationError("分档计分须填写分档。")
        return data

    def row(self) -> dict | None:
        data = getattr(self, "cleaned_data", None)
        if not data or not data.get("code"):
            return None
        return {
            k: data.get(k) for k in ("dimension", "code", "weight", "method", "floor", "target", "thresholds")
        } | {"DELETE": data.get("DELETE", False)}


def indicator_formset(data=None, initial=None):
    formset = formset_factory(IndicatorForm, extra=2, can_delete=True)
    return formset(data=data, initial=initial, prefix="ind")


class BulletinForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 16}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, instance_values):
        super().__init__(
            data,
            initial={
                "title": instance_values.title,
                "body": instance_values.body,
                "version": instance_values.version,
            },
        )
        self.fields["title"].widget.attrs["class"] = "form-control"
        self.fields["body"].widget.attrs["class"] = "form-control font-monospace small"


class TemplateForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    for_city = forms.BooleanField(label="用于全市通报（不勾选：用于县区通报）", required=False)
    body = forms.CharField(label="正文模板", widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "form-control"
        self.fields["body"].widget.attrs["class"] = "form-control font-monospace small"
        self.fields["for_city"].widget.attrs["class"] = "form-check-input"
