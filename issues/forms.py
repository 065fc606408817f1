"""Forms of the ticket and meeting pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms

from accounts.forms import OrganisationChoiceField
from accounts.models import Organisation
from projects.models import Leader
from projects.parsing import parse_date

from .choices import (
    AuthorityLevel,
    Category,
    Complexity,
    Grade,
    MeetingLevel,
    Priority,
    Satisfaction,
    Source,
    Supervision,
)
from .models import Meeting


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _units():
    return Organisation.objects.filter(is_active=True).exclude(kind="enterprise").order_by("sort_order", "id")


def _city_leaders():
    return Leader.objects.filter(is_active=True, organisation__kind="city")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateField(forms.DateField):
    """Dates as the portal reads them everywhere (2026-11-26, 2026/11/26, 2026年11月26日)."""

    widget = forms.DateInput(attrs={"type": "date"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except Exception as exc:  # the parser's own message is in Chinese
            raise forms.ValidationError(str(exc) or "日期格式不正确。") from exc


class TicketCreateForm(StyledForm):
    title = forms.CharField(label="问题标题", max_length=200)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    category = forms.ChoiceField(label="问题类别", choices=Category.choices)
    source = forms.ChoiceField(label="来源", choices=Source.choices)
    found_on = DateField(label="发现日期", required=False)
    attachments = MultipleFileField(label="附件（图片、PDF、Word、Excel）")


class AssignForm(StyledForm):
    lead_unit = OrganisationChoiceField(label="承办单位", queryset=_units())
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=_units(), required=False)
    authority = forms.ChoiceField(label="办理层级", choices=AuthorityLevel.choices)
    responsible_leader = forms.ModelChoiceField(label="责任领导", queryset=_city_leaders(), required=False)
    deadline = DateField(label="办结时限（留空按13710或类别默认时限）", required=False)
    priority = forms.ChoiceField(label="紧急程度", choices=Priority.choices)
    complexity = forms.ChoiceField(label="复杂程度", choices=Complexity.choices)
    on_clock = forms.BooleanField(label="纳入13710督办", required=False)
    note = forms.CharField(label="交办意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NoteForm(StyledForm):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    attachments = MultipleFileField(label="附件")


class VisitForm(StyledForm):
    answer = forms.ChoiceField(label="企业评价", choices=Satisfaction.choices)
    words = forms.CharField(
        label="企业意见（原话）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    visited_on = DateField(label="回访日期", required=False)


class CloseForm(StyledForm):
    grade = forms.ChoiceField(label="办结评价", choices=[c for c in Grade.choices if c[0] != Grade.FAIL])
    note = forms.CharField(label="销号意见", required=False)


class ReturnForm(StyledForm):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}))


class SuspendForm(StyledForm):
    reason = forms.CharField(label="挂起理由", widget=forms.Textarea(attrs={"rows": 2}))
    progress_every = forms.IntegerField(label="每隔几个工作日报告进展", min_value=1, max_value=60, initial=10)


class ResumeForm(StyledForm):
    deadline = DateField(label="新的办结时限")
    note = forms.CharField(label="说明", required=False)


class SuperviseForm(StyledForm):
    level = forms.TypedChoiceField(
        label="督办级别",
        choices=[(v, label) for v, label in Supervision.choices if v],
        coerce=int,
        required=False,
    )
    note = forms.CharField(label="督办意见", required=False)


class HandUpForm(StyledForm):
    reason = forms.CharField(label="提级理由（为何超出本级权限）", widget=forms.Textarea(attrs={"rows": 2}))


class TimetableForm(StyledForm):
    milestones = forms.CharField(
        label="时间表节点（每行：日期 内容）",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-12-15 完成征收补偿方案"}),
    )
    progress_every = forms.IntegerField(label="每隔几个工作日报告进展", min_value=1, max_value=60, initial=10)
    note = forms.CharField(label="说明", required=False)

    def clean_milestones(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            head, _, text = line.replace("\t", " ").partition(" ")
            try:
                day = parse_date(head)
            except Exception as exc:
                raise forms.ValidationError(f"第{n}行的日期“{head}”无法识别。") from exc
            rows.append((day, text.strip()))
        if not rows:
            raise forms.ValidationError("请至少填写一个节点。")
        return rows


ACTION_FORMS = {
    "assign": AssignForm,
    "sign": NoteForm,
    "progress": NoteForm,
    "report_solved": NoteForm,
    "visit": VisitForm,
    "close": CloseForm,
    "return": ReturnForm,
    "suspend": SuspendForm,
    "resume": ResumeForm,
    "supervise": SuperviseForm,
    "hand_up": HandUpForm,
    "timetable": TimetableForm,
}


class MeetingForm(forms.ModelForm):
    date = DateField(label="会议日期")

    class Meta:
        model = Meeting
        fields = ["level", "title", "date", "place", "chair", "attendees", "attendee_units", "minutes"]
        widgets = {
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee_units"].queryset = _units()
        self.fields["attendee_units"].required = False
        self.fields["level"].choices = MeetingLevel.choices
        for field in self.fields.values():
            widget = field.widget
            widget.attrs.setdefault(
                "class",
                "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control",
            )


class AgendaForm(StyledForm):
    selection = forms.CharField(
        label="项目筛选条件（项目库地址栏“?”后的内容）",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "county=3&key_level=any"}),
    )
    behind_only = forms.BooleanField(label="只列低于时间进度的项目", required=False)
    with_tickets = forms.BooleanField(label="同时列入这些项目的未办结问题", required=False, initial=True)
    text = forms.CharField(label="或直接填写议题", required=False)


class DecisionForm(StyledForm):
    title = forms.CharField(label="议定事项", max_length=200)
    description = forms.CharField(label="具体要求", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    lead_unit = OrganisationChoiceField(label="牵头单位", queryset=_units())
    co_units = forms.ModelMultipleChoiceField(label="配合单位", queryset=_units(), required=False)
    deadline = DateField(label="办结时限")
    responsible_leader = forms.ModelChoiceField(label="责任领导", queryset=_city_leaders(), required=False)


class DeadlineForm(StyledForm):
    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row.category] = forms.IntegerField(
                label=row.get_category_display(), min_value=1, max_value=250, initial=row.working_days
            )
