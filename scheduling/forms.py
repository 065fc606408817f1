from django import forms

from accounts.models import User

from .choices import KIND_LABELS, Anchor, Rhythm
from .models import Schedule


class NotificationFilterForm(forms.Form):
    STATUS_CHOICES = (("", "全部"), ("unread", "未读"), ("read", "已读"))
    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(label="类别", required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类别"), *kinds]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select form-select-sm"


class PreferenceForm(forms.Form):
    email = forms.BooleanField(
        label="同时发送电子邮件（需在个人信息中填写邮箱）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    muted_kinds = forms.MultipleChoiceField(
        label="以下类别只在站内提醒，不发邮件",
        choices=sorted(KIND_LABELS.items(), key=lambda kv: kv[1]),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


class ScheduleForm(forms.ModelForm):
    also_notify = forms.ModelMultipleChoiceField(
        label="另行抄送",
        queryset=User.objects.filter(is_active=True).order_by("organisation__sort_order", "username"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )

    class Meta:
        model = Schedule
        fields = [
            "name",
            "is_enabled",
            "rhythm",
            "weekday",
            "anchor",
            "day_of_month",
            "offset_working_days",
            "months",
            "time",
            "audience",
            "title_template",
            "body_template",
        ]
        widgets = {
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "body_template": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["also_notify"].initial = list(self.instance.also_notify.values_list("pk", flat=True))
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")

    def clean_months(self):
        raw = self.cleaned_data["months"].replace("，", ",").replace("、", ",").replace(" ", "")
        if not raw:
            return ""
        parts = raw.split(",")
        if not all(p.isdigit() and 1 <= int(p) <= 12 for p in parts if p):
            raise forms.ValidationError("月份须为 1–12 的数字，用逗号分隔，如“2,4,6,8,10,12”。")
        return ",".join(str(m) for m in sorted({int(p) for p in parts if p}))

    def clean(self):
        data = super().clean()
        rhythm, anchor = data.get("rhythm"), data.get("anchor")
        if rhythm == Rhythm.WEEKLY and data.get("weekday") is None:
            self.add_error("weekday", "每周执行的计划须选择星期几。")
        if rhythm == Rhythm.MONTHLY and anchor == Anchor.DAY_OF_MONTH and not data.get("day_of_month"):
            self.add_error("day_of_month", "按每月固定日执行的计划须填写日期。")
        offset = data.get("offset_working_days")
        if offset is not None and abs(offset) > 15:
            self.add_error("offset_working_days", "相对截止日的工作日数须在 −15 到 15 之间。")
        return data


class WorkdayForm(forms.Form):
    date = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    is_working_day = forms.TypedChoiceField(
        label="安排",
        choices=(("0", "放假"), ("1", "上班（调休）")),
        coerce=lambda v: v == "1",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label="名称",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "如：春节"}),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
