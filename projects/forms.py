"""HTML forms of the project pages. They validate input; every write still goes through a service."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.choices import AREA_KINDS, OrgKind
from accounts.forms import OrganisationChoiceField
from accounts.models import Organisation
from accounts.scoping import organisation_scope_q

from .choices import STAGE_REQUIRED_DATE, Stage
from .models import AnnualPlan, Approval, ApprovalKind, Leader, Project
from .models.project import FLAG_FIELDS, FUNDING_FIELDS
from .money import ZERO
from .parsing import CellError, parse_money
from .validators import limit_text, normalise_credit_code, normalise_project_code

FUNDING_NAMES = [name for name, _ in FUNDING_FIELDS]
FLAG_NAMES = [name for name, _ in FLAG_FIELDS]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, so templates can render fields in a loop."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


def scoped_organisations(user, *kinds):
    """Organisations of `kinds` the user may pick for a project.

    Its own subtree first (a county reporter: its county and towns); else the areas above it (a
    town reporter: its county); else every one (a county reporter picks any responsible department,
    a department reporter any county). The service still checks that the project falls within the
    user's scope.
    """
    every = Organisation.objects.filter(kind__in=kinds, is_active=True)
    scoped = every.filter(organisation_scope_q(user))
    if scoped.exists():
        return scoped
    org = user.organisation
    if org is not None and not user.sees_all_projects:
        ancestor_ids = [int(part) for part in org.path.strip("/").split("/") if part.isdigit()]
        above = every.filter(pk__in=ancestor_ids).exclude(kind=OrgKind.CITY)
        if above.exists():
            return above
    return every


class MoneyFormField(forms.DecimalField):
    """万元 typed as people type it ("1,234.50", "１２３４．５", "1234万元"), read by `projects.parsing`.

    A text input, not type="number": a browser would refuse "1234万元" before the parser sees it.
    """

    widget = forms.TextInput
    MESSAGES = {"negative": "金额不能为负数。"}  # the model's own wording

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_money(value, messages=self.MESSAGES)
        except CellError as exc:
            raise forms.ValidationError(str(exc), code=exc.code) from None

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs


def funding_mismatch_message(funding_total: Decimal, total: Decimal) -> str:
    return f"资金来源合计 {funding_total} 万元与总投资 {total} 万元不一致。"


class ProjectForm(forms.ModelForm):
    """Create and edit a project's record. Stage and version are not fields: they change through services."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "name",
            "code",
            "nature",
            "industry",
            "content",
            "county",
            "town",
            "address",
            "longitude",
            "latitude",
            "construction_unit",
            "credit_code",
            "department",
            "manager",
            "manager_phone",
            "key_level",
            "liaison_leader",
            "liaison_leader_name",
            *FLAG_NAMES,
            "signing_date",
            "total_investment",
            *FUNDING_NAMES,
            "planned_start",
            "planned_completion",
            "actual_start",
            "actual_completion",
            "operation_date",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "signing_date": DATE,
            "planned_start": DATE,
            "planned_completion": DATE,
            "actual_start": DATE,
            "actual_completion": DATE,
            "operation_date": DATE,
        }
        field_classes = {
            "total_investment": MoneyFormField,
            **dict.fromkeys(FUNDING_NAMES, MoneyFormField),
            "county": OrganisationChoiceField,
            "town": OrganisationChoiceField,
            "department": OrganisationChoiceField,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["county"].queryset = scoped_organisations(user, OrgKind.CITY, *AREA_KINDS)
        self.fields["town"].queryset = scoped_organisations(user, OrgKind.TOWN)
        self.fields["department"].queryset = scoped_organisations(user, OrgKind.DEPARTMENT)
        self.fields["liaison_leader"].queryset = Leader.objects.filter(is_active=True)
        self.fields["county"].empty_label = "请选择"
        self.fields["town"].empty_label = "（不填）"
        self.fields["department"].empty_label = "（不填）"
        self.fields["liaison_leader"].empty_label = "（未确定）"
        limit_text(self, "content")
        self.fields["total_investment"].help_text = "万元，须等于下列资金来源之和。"
        for name in ("total_investment", *FUNDING_NAMES):
            self.fields[name].widget.attrs.update({"class": "form-control text-end"})
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        _style(self)

    # Groups of fields in display order, for the template.
    def section(self, names):
        return [self[name] for name in names]

    @property
    def basic_fields(self):
        return self.section(["name", "code", "nature", "industry", "content"])

    @property
    def location_fields(self):
        return self.section(["county", "town", "address", "longitude", "latitude"])

    @property
    def unit_fields(self):
        return self.section(["construction_unit", "credit_code", "department", "manager", "manager_phone"])

    @property
    def key_fields(self):
        return self.section(["key_level", "liaison_leader", "liaison_leader_name"])

    @property
    def flag_fields(self):
        return self.section(FLAG_NAMES)

    @property
    def funding_fields(self):
        return self.section(FUNDING_NAMES)

    @property
    def date_fields(self):
        return self.section(
            ["planned_start", "planned_completion", "actual_start", "actual_completion", "operation_date"]
        )

    def clean_code(self):
        return normalise_project_code(self.cleaned_data.get("code", ""))

    def clean_credit_code(self):
        return normalise_credit_code(self.cleaned_data.get("credit_code", ""))

    def clean(self):
        data = super().clean()
        total = data.get("total_investment")
        amounts = [data.get(name) for name in FUNDING_NAMES]
        if total is not None and all(a is not None for a in amounts):
            funding_total = sum(amounts, ZERO)
            # The model refuses a breakdown that differs from the total; an empty breakdown must be
            # refused too, since 资金来源 is part of the minimum record (2019 annex).
            if funding_total == ZERO and total != ZERO:
                self.add_error("total_investment", funding_mismatch_message(funding_total, total))
        return data

    def changed_data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class AnnualPlanForm(forms.ModelForm):
    class Meta:
        model = AnnualPlan
        fields = [
            "year",
            "planned_investment",
            "is_new",
            "planned_start_month",
            "completes_this_year",
            "milestones",
        ]
        widgets = {"milestones": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"planned_investment": MoneyFormField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year
        limit_text(self, "milestones")
        _style(self)

    def clean_year(self):
        year = self.cleaned_data["year"]
        others = AnnualPlan.objects.filter(project=self.instance.project, year=year).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError(f"该项目已有 {year} 年度计划，请直接修改该年度计划。")
        return year


class ApprovalForm(forms.ModelForm):
    class Meta:
        model = Approval
        fields = [
            "kind",
            "level",
            "status",
            "planned_date",
            "actual_date",
            "responsible_leader",
            "handler",
            "note",
        ]
        widgets = {"planned_date": DATE, "actual_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ApprovalKind.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.fields["kind"].queryset = ApprovalKind.objects.all()
        else:
            self.fields["kind"].queryset = kinds.exclude(
                pk__in=Approval.objects.filter(project=self.instance.project).values("kind")
            )
        self.fields["kind"].empty_label = "请选择"
        _style(self)


class TransitionForm(forms.Form):
    """Confirmation of a stage action: the reason and, where the target stage needs one, its date."""

    to = forms.ChoiceField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "请选择目标阶段。",
            "invalid_choice": "您不能将该项目变更为所选阶段：跨阶段或退回须由专班办公室办理。",
        },
    )
    reason = forms.CharField(
        label="原因说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_date = forms.DateField(label="日期", required=False, widget=DATE)

    def __init__(self, *args, project: Project, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["to"].choices = [(value, label) for value, label, _ in choices]
        self.needs_office = {value: needs for value, _, needs in choices}
        _style(self)

    def target(self) -> str | None:
        value = self.data.get("to") if self.is_bound else self.initial.get("to")
        return value if value in self.needs_office else None

    def required_date(self):
        """`(field, label)` the target stage needs and the project lacks, else None."""
        target = self.target()
        required = STAGE_REQUIRED_DATE.get(Stage(target)) if target else None
        if required and not getattr(self.project, required[0]):
            return required
        return None

    def prepare_for_target(self) -> None:
        """Show the date field only when the target stage needs a date the project lacks.

        Reason and date stay optional here: the service's guard says in Chinese what is missing.
        """
        required = self.required_date()
        if required:
            self.fields["effective_date"].label = required[1]
        else:
            del self.fields["effective_date"]
