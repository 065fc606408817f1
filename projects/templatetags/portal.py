"""Display helpers for the portal's pages: money in 万元/亿元, stage and approval badges."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..choices import ApprovalStatus, Stage
from ..money import CENT

register = template.Library()

DASH = "—"

STAGE_BADGE = {
    Stage.RESERVE: "text-bg-secondary",
    Stage.PREWORK: "text-bg-info",
    Stage.CONSTRUCTION: "text-bg-primary",
    Stage.COMPLETED: "text-bg-success",
    Stage.OPERATION: "bg-success-subtle text-success-emphasis border border-success-subtle",
    Stage.SUSPENDED: "text-bg-warning",
    Stage.CANCELLED: "text-bg-dark",
}

APPROVAL_BADGE = {
    ApprovalStatus.DONE: "text-bg-success",
    ApprovalStatus.IN_PROGRESS: "text-bg-warning",
    ApprovalStatus.NOT_STARTED: "text-bg-secondary",
    ApprovalStatus.NOT_APPLICABLE: "bg-light text-body-tertiary border",
}
APPROVAL_ROW = {
    ApprovalStatus.DONE: "table-success",
    ApprovalStatus.IN_PROGRESS: "table-warning",
    ApprovalStatus.NOT_STARTED: "",
    ApprovalStatus.NOT_APPLICABLE: "text-body-tertiary",
}


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _two_places(amount: Decimal | None) -> str:
    if amount is None:
        return DASH
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


@register.filter
def wan(value):
    """万元 with thousands separators and two decimals: 12345.6 → "12,345.60"; empty → "—"."""
    return _two_places(_decimal(value))


@register.filter
def yi(value):
    """万元 shown as 亿元 (÷ 10,000) with two decimals: 123456 → "12.35"."""
    amount = _decimal(value)
    return _two_places(None if amount is None else amount / 10000)


@register.filter
def percent(part, whole):
    """`part / whole` as "12.3%"; "—" when the whole is zero or missing."""
    a, b = _decimal(part), _decimal(whole)
    if a is None or not b:
        return DASH
    return f"{(a * 100 / b).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@register.simple_tag
def stage_badge(stage, label=None):
    try:
        stage = Stage(stage)
    except ValueError:
        return label or stage or DASH
    return format_html('<span class="badge {}">{}</span>', STAGE_BADGE[stage], label or stage.label)


@register.simple_tag
def approval_badge(status, label=None):
    try:
        status = ApprovalStatus(status)
    except ValueError:
        return format_html(
            '<span class="badge bg-light text-body-secondary border">{}</span>', label or "未填报"
        )
    return format_html('<span class="badge {}">{}</span>', APPROVAL_BADGE[status], label or status.label)


@register.filter
def approval_row_class(status):
    try:
        return APPROVAL_ROW[ApprovalStatus(status)]
    except ValueError:
        return ""


@register.filter
def yesno_cn(value):
    if value is None:
        return DASH
    return "是" if value else "否"


@register.filter
def widget(bound_field):
    """The field's widget, marked `is-invalid` when it has errors (Bootstrap's red outline)."""
    attrs = {}
    if bound_field.errors:
        css = bound_field.field.widget.attrs.get("class", "")
        attrs["class"] = f"{css} is-invalid".strip()
    return bound_field.as_widget(attrs=attrs)


def _display(field):
    """A function turning a stored audit value of `field` into what a user reads."""
    if field is None:
        return lambda v: DASH if v in (None, "") else str(v)
    choices = dict(field.flatchoices) if field.choices else None
    internal = field.get_internal_type()

    def show(value):
        if choices is not None and value in choices:
            return str(choices[value])
        if value in (None, ""):
            return DASH
        if internal == "BooleanField":
            return "是" if value else "否"
        if internal == "DecimalField" and field.decimal_places == 2:
            return wan(value)
        return str(value)

    return show


@register.filter
def audit_changes(log):
    """`[(Chinese field label, before, after)]` of one audit row, for the dossier's change history."""
    model = log.content_type.model_class() if log.content_type_id else None
    rows = []
    for name, pair in (log.changes or {}).items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:  # a field since removed from the model: show its raw name
            field = None
        label = str(getattr(field, "verbose_name", name))
        show = _display(field)
        rows.append((label, show(before), show(after)))
    return rows


@register.filter
def elided_range(page_obj):
    """Page numbers around the current page with "…" gaps (Paginator.get_elided_page_range)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


def _chosen(bound_field) -> set[str]:
    """The bound field's chosen values as the option keys read them (none chosen selects "")."""
    value = bound_field.value()
    if isinstance(value, list | tuple):
        return {str(v) for v in value}
    return {"" if value is None else str(value)}


@register.simple_tag
def fast_select(bound_field, css="form-select form-select-sm"):
    """A <select> for a filter field, built in Python.

    Django renders each <option> through the widget templates (two template renders per option);
    the town and department lists have a hundred options, which made that the slowest part of the
    project list. Same markup, a fraction of the time.
    """
    widget = bound_field.field.widget
    multiple = getattr(widget, "allow_multiple_selected", False)
    chosen = _chosen(bound_field)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (str(key), mark_safe(" selected") if str(key) in chosen else "", label)
            for key, label in bound_field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}" class="{}"{}>{}</select>',
        bound_field.html_name,
        bound_field.auto_id,
        css,
        mark_safe(" multiple") if multiple else "",
        options,
    )


@register.simple_tag(takes_context=True)
def dossier_section(context, section):
    """Render a section another app added to the dossier (`projects.dossier`), with its own context."""
    section_template = context.template.engine.get_template(section["template"])
    with context.push(section["context"]):
        return section_template.render(context)


@register.simple_tag
def project_rows(projects, detail_prefix):
    """The project list's rows, built in Python: the template loop spent ~0.4 ms a row resolving
    a dozen variables and filters; this is the same markup at a fraction of the cost (the list's
    page size goes up to 200). `projects` carry county, town, department, liaison leader (joined)
    and `annual_planned` (see `projects.selectors.project_list`)."""
    badges: dict = {}
    rows = []
    for p in projects:
        leader = p.liaison_leader
        town = p.town
        department = p.department
        county = p.county
        badge = badges.get(p.stage)
        if badge is None:
            badge = badges[p.stage] = stage_badge(p.stage, p.get_stage_display())
        rows.append(
            format_html(
                '<tr><td class="small text-nowrap font-monospace">{}</td>'
                '<td class="col-name"><a href="{}{}/">{}</a>{}</td>'
                '<td class="text-nowrap">{}{}</td>'
                '<td class="small text-nowrap">{}</td>'
                "<td>{}</td>"
                '<td class="small text-nowrap">{}</td>'
                '<td class="money">{}</td><td class="money">{}</td>'
                '<td class="small text-nowrap">{}</td>'
                '<td class="small text-nowrap text-body-secondary">{}</td></tr>',
                p.code or DASH,
                detail_prefix,
                p.pk,
                p.name,
                format_html('<div class="small text-body-secondary">包联：{}</div>', leader.name)
                if leader
                else "",
                county.display_name if county else "",
                format_html('<div class="small text-body-secondary">{}</div>', town.display_name)
                if town
                else "",
                (department.display_name if department else "") or DASH,
                badge,
                p.get_key_level_display() if p.key_level else DASH,
                wan(p.total_investment),
                wan(p.annual_planned),
                p.planned_start.isoformat() if p.planned_start else DASH,
                timezone.localtime(p.updated_at).date().isoformat() if p.updated_at else "",
            )
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def checkbox_dropdown(bound_field):
    """A multiple-choice filter as a dropdown of checkboxes (the markup of
    includes/filter_checkbox_dropdown.html), built in Python like `fast_select`: the include walked
    the field's sub-widgets twice through the template engine on every list page."""
    chosen = _chosen(bound_field)
    options = [(str(key), label) for key, label in bound_field.field.choices]
    name, auto_id = bound_field.html_name, bound_field.auto_id
    shown = format_html_join(
        "", "<span data-chosen>{}</span> ", ((label,) for key, label in options if key in chosen)
    )
    checks = format_html_join(
        "",
        '<div class="form-check"><input class="form-check-input" type="checkbox" name="{}" value="{}" '
        'id="{}_{}"{}><label class="form-check-label text-nowrap" for="{}_{}">{}</label></div>',
        (
            (name, key, auto_id, i, mark_safe(" checked") if key in chosen else "", auto_id, i, label)
            for i, (key, label) in enumerate(options)
        ),
    )
    return format_html(
        '<div class="dropdown w-100" data-checkbox-dropdown><button class="form-select form-select-sm '
        'text-start text-truncate" type="button" data-bs-toggle="dropdown" data-bs-auto-close="outside" '
        'aria-expanded="false">{}<span class="text-body-secondary" data-none>{}</span></button>'
        '<div class="dropdown-menu p-2 shadow-sm" style="min-width: 12rem">{}</div></div>',
        shown,
        _("全部"),
        checks,
    )
