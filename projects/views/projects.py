"""Project pages: the list, the dossier (一项一档), create/edit, annual plans, approvals and stage actions.

Thin views: parse a form → call a selector or service → render. Scope comes from the selectors
(out of scope = 404); the permission functions decide writes (leaders and statistics get 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.choices import AREA_KINDS, OrgKind

from .. import permissions
from ..choices import Stage
from ..dossier import dossier_sections
from ..exceptions import ConflictError, TransitionError
from ..filters import current_year
from ..forms import AnnualPlanForm, ApprovalForm, ProjectForm, TransitionForm, scoped_organisations
from ..models import AnnualPlan, Approval
from ..selectors import (
    approval_kinds,
    form_choices_load,
    project_get_for_user,
    project_list,
    project_totals,
)
from ..services import (
    allowed_transitions,
    annual_plan_delete,
    annual_plan_save,
    approval_save,
    project_create,
    project_transition,
    project_update,
)

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
HISTORY_LIMIT = 50

# (ordering key of ProjectFilterSet, column header); None = not sortable.
LIST_COLUMNS = [
    ("code", gettext_noop("项目代码")),
    ("name", gettext_noop("项目名称")),
    ("county", gettext_noop("县（市、区）")),
    (None, gettext_noop("责任单位")),
    ("stage", gettext_noop("阶段")),
    (None, gettext_noop("重点级别")),
    ("total_investment", gettext_noop("总投资（万元）")),
    ("annual_planned", gettext_noop("年度计划（万元）")),
    ("planned_start", gettext_noop("计划开工")),
    ("updated_at", gettext_noop("更新时间")),
]


def _page_size(raw) -> int:
    """The `page_size` asked for, capped; the default for anything but a positive number, as the API does."""
    try:
        size = int(raw)
    except (TypeError, ValueError):
        return PAGE_SIZE
    return min(size, MAX_PAGE_SIZE) if size > 0 else PAGE_SIZE


def _sort_columns(current: str):
    """Header cells: label, the `ordering` a click sets, and the arrow of the active sort."""
    columns = []
    for key, label in LIST_COLUMNS:
        if key is None:
            columns.append({"label": label, "key": None})
            continue
        direction = "asc" if current == key else "desc" if current == f"-{key}" else ""
        next_value = f"-{key}" if direction == "asc" else key
        columns.append({"label": label, "key": key, "next": next_value, "direction": direction})
    return columns


def _style_filter_form(form, user) -> None:
    everything = _("全部")
    for field in form.fields.values():
        widget = field.widget
        if widget.__class__.__name__.endswith("Select"):
            widget.attrs.setdefault("class", "form-select form-select-sm")
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = everything
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
    if not user.sees_all_projects:
        # A county user picks among its own county and towns; a department user among all areas.
        form.fields["county"].queryset = scoped_organisations(user, OrgKind.CITY, *AREA_KINDS)
        form.fields["town"].queryset = scoped_organisations(user, OrgKind.TOWN)
    form_choices_load(form)


ANNOTATED_ORDERINGS = ("annual_planned", "-annual_planned")


def project_list_view(request):
    filters = request.GET
    ordering = filters.get("ordering", "")
    if ordering in ANNOTATED_ORDERINGS:
        # Sorted here rather than by the FilterSet so that projects without a plan that year come
        # last in both directions (PostgreSQL would put NULLs first when descending, SQLite when ascending).
        filters = filters.copy()
        del filters["ordering"]
    filterset, queryset = project_list(user=request.user, filters=filters, request=request)
    if ordering in ANNOTATED_ORDERINGS:
        column = F("annual_planned")
        key = column.desc(nulls_last=True) if ordering.startswith("-") else column.asc(nulls_last=True)
        queryset = queryset.order_by(key, "-id")
    valid = filterset.is_valid()
    year = filterset.plan_year if valid else current_year()
    totals = project_totals(queryset, year)
    paginator = Paginator(queryset, _page_size(request.GET.get("page_size")))
    # The totals already counted the filtered set: reuse it, so the page runs no extra COUNT.
    paginator.count = totals.count
    page = paginator.get_page(request.GET.get("page"))
    _style_filter_form(filterset.form, request.user)
    advanced = ("town", "department", "industry", "flag", "new_or_continuing", "min_investment")
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "projects": page.object_list,
            "totals": totals,
            "year": year,
            "columns": _sort_columns(ordering),
            # One reverse() for the page instead of one per row: rows link to `<prefix><pk>/`.
            "detail_prefix": reverse("projects:project_detail", args=[0]).removesuffix("0/"),
            "page_size": paginator.per_page,
            "page_sizes": [25, 50, 100, 200],
            "advanced_open": any(request.GET.get(name) for name in advanced),
            "can_create": permissions.can_create_project(request.user),
            "can_import": permissions.can_import_ledger(request.user),
        },
    )


def project_detail(request, pk):
    project = project_get_for_user(user=request.user, pk=pk)
    history = list(audit.history_for(project)[: HISTORY_LIMIT + 1])
    recorded = {a.kind_id: a for a in project.approvals.all()}
    checklist = [(kind, recorded.pop(kind.pk, None)) for kind in approval_kinds()]
    # Approvals of kinds since deactivated still belong in the dossier.
    checklist += [(a.kind, a) for a in recorded.values()]
    can_edit = permissions.can_edit_project(request.user, project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "plans": project.annual_plans.all(),
            "checklist": checklist,
            "stage_changes": project.stage_changes.all(),
            "history": history[:HISTORY_LIMIT],
            "history_more": len(history) > HISTORY_LIMIT,
            "can_edit": can_edit,
            "transitions": allowed_transitions(request.user, project) if can_edit else [],
            "dossier_sections": dossier_sections(user=request.user, project=project),
        },
    )


def project_history(request, pk):
    project = project_get_for_user(user=request.user, pk=pk)
    page = Paginator(audit.history_for(project), HISTORY_LIMIT).get_page(request.GET.get("page"))
    return render(request, "projects/project_history.html", {"project": project, "page_obj": page})


def _form_errors_from(form, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error) or "您没有该操作的权限。")


def _writable_project(request, pk):
    project = project_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied("您没有修改该项目的权限。")
    return project


@require_http_methods(["GET", "POST"])
def project_create_view(request):
    user = request.user
    if not permissions.can_create_project(user):
        raise PermissionDenied("您没有新建项目的权限。")
    form = ProjectForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        try:
            project = project_create(actor=user, project=project)
        except (ValidationError, PermissionDenied) as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"项目“{project.name}”已新建。请补充年度计划和前期手续。")
            return redirect("projects:project_detail", pk=project.pk)
    form_choices_load(form)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _writable_project(request, pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    form.fields["version"].required = True
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            project_update(
                actor=request.user,
                project=project,
                data=form.changed_data_for_service(),
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except (ValidationError, PermissionDenied) as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "项目信息已保存。")
            return redirect("projects:project_detail", pk=project.pk)
    form_choices_load(form)
    return render(request, "projects/project_form.html", {"form": form, "project": project}, status=status)


def _dossier(project, anchor: str) -> str:
    return reverse("projects:project_detail", args=[project.pk]) + f"#{anchor}"


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk, plan_pk=None):
    project = _writable_project(request, pk)
    plan = (
        get_object_or_404(AnnualPlan, pk=plan_pk, project=project) if plan_pk else AnnualPlan(project=project)
    )
    form = AnnualPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            annual_plan_save(actor=request.user, plan=form.save(commit=False))
        except (ValidationError, PermissionDenied) as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['year']} 年度计划已保存。")
            return redirect(_dossier(project, "plans"))
    form_choices_load(form)
    return render(
        request, "projects/project_plan_form.html", {"form": form, "project": project, "plan": plan}
    )


@require_http_methods(["GET", "POST"])
def plan_delete(request, pk, plan_pk):
    project = _writable_project(request, pk)
    plan = get_object_or_404(project.annual_plans.all(), pk=plan_pk)
    if request.method == "POST":
        annual_plan_delete(actor=request.user, plan=plan)
        messages.success(request, f"{plan.year} 年度计划已删除。")
        return redirect(_dossier(project, "plans"))
    return render(request, "projects/project_plan_delete.html", {"project": project, "plan": plan})


@require_http_methods(["GET", "POST"])
def approval_edit(request, pk, approval_pk=None):
    project = _writable_project(request, pk)
    if approval_pk:
        approval = get_object_or_404(Approval, pk=approval_pk, project=project)
        initial = {}
    else:
        approval = Approval(project=project)
        initial = {"kind": request.GET.get("kind")}
    form = ApprovalForm(request.POST or None, instance=approval, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = approval_save(actor=request.user, approval=form.save(commit=False))
        except (ValidationError, PermissionDenied) as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"前期手续“{saved.kind}”已保存。")
            return redirect(_dossier(project, "approvals"))
    form_choices_load(form)
    return render(
        request,
        "projects/project_approval_form.html",
        {"form": form, "project": project, "approval": approval},
    )


@require_http_methods(["GET", "POST"])
def project_transition_view(request, pk):
    project = project_get_for_user(user=request.user, pk=pk)
    if not permissions.can_transition_project(request.user, project):
        raise PermissionDenied("您没有变更项目阶段的权限。")
    choices = allowed_transitions(request.user, project)
    form = TransitionForm(
        request.POST or None, initial={"to": request.GET.get("to")}, project=project, choices=choices
    )
    form.prepare_for_target()
    if request.method == "POST" and form.is_valid():
        target = Stage(form.cleaned_data["to"])
        try:
            project_transition(
                actor=request.user,
                project=project,
                to=target,
                reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data.get("effective_date"),
            )
        except TransitionError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("项目阶段已变更为“%(stage)s”。") % {"stage": target.label})
            return redirect("projects:project_detail", pk=project.pk)
    target = form.target()
    return render(
        request,
        "projects/project_transition.html",
        {
            "project": project,
            "form": form,
            "choices": choices,
            "target": Stage(target) if target else None,
            "needs_office": form.needs_office.get(target, False),
        },
    )
