"""Ticket and meeting pages. Thin: parse a form → selector or service → render.
Out of scope is 404 (no existence leak); a role that may not act gets 403."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import ChoiceField, ModelChoiceField, SelectMultiple
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.choices import AREA_KINDS, OrgKind
from projects.exceptions import ServiceError
from projects.selectors import project_get_for_user
from projects.views.projects import _page_size
from scheduling.calendar import WorkCalendar

from . import clock, export, permissions, selectors, services
from .choices import WORKING_STATES, Action, MatterKind, MeetingLevel, Supervision
from .forms import ACTION_FORMS, AgendaForm, DeadlineForm, DecisionForm, MeetingForm, TicketCreateForm
from .models import CategoryDeadline, Meeting, TicketAttachment

ACTION_ORDER = [a.value for a in Action]


PRIMARY_FILTERS = (
    "search",
    "state",
    "open",
    "overdue",
    "due_soon",
    "unit",
    "county",
    "category",
    "level",
    "supervision",
)


def _style_filters(form, user):
    for field in form.fields.values():
        plain_choices = isinstance(field, ChoiceField) and not isinstance(field, ModelChoiceField)
        if plain_choices and not isinstance(field.widget, SelectMultiple):
            choices = list(field.choices)
            if choices and choices[0][0] == "":
                field.choices = [("", "全部"), *choices[1:]]
        widget = field.widget
        cls = (
            "form-select form-select-sm"
            if widget.__class__.__name__.endswith("Select")
            else "form-control form-control-sm"
        )
        widget.attrs.setdefault("class", cls)
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = "全部"
    if not user.sees_all_projects and user.organisation:
        path = user.organisation.path
        form.fields["unit"].queryset = form.fields["unit"].queryset.filter(path__startswith=path)
        form.fields["county"].queryset = form.fields["county"].queryset.filter(path__startswith=path)
    form.fields["county"].queryset = form.fields["county"].queryset.filter(
        kind__in=[OrgKind.CITY, *AREA_KINDS]
    )


def _lights(tickets, today):
    cal = WorkCalendar()
    horizon = cal.add_working_days(today, clock.DUE_SOON)
    for t in tickets:
        if t.state not in WORKING_STATES or t.deadline is None:
            t.light = ""
        elif t.deadline < today:
            t.light = "red"
        elif t.deadline <= horizon:
            t.light = "yellow"
        else:
            t.light = ""
    return tickets


def ticket_list(request, mine: bool = False):
    filters = request.GET.copy()
    if mine and request.user.organisation_id and "unit" not in filters:
        filters["unit"] = str(request.user.organisation_id)
    if "export" in filters:
        filters.pop("export")
    filterset, queryset = selectors.ticket_list(user=request.user, filters=filters, request=request)
    paginator = Paginator(queryset, _page_size(request.GET.get("page_size")))
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    _style_filters(filterset.form, request.user)
    return render(
        request,
        "issues/ticket_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "tickets": _lights(list(page.object_list), today),
            "mine": mine,
            "query": filters.urlencode(),
            "today": today,
            "can_report": permissions.is_office(request.user),
            "primary": PRIMARY_FILTERS,
            "advanced_open": any(
                filters.get(k) for k in filterset.form.fields if k not in PRIMARY_FILTERS and k != "ordering"
            ),
        },
    )


def ticket_my_unit(request):
    return ticket_list(request, mine=True)


def ticket_export(request):
    filterset, queryset = selectors.ticket_list(user=request.user, filters=request.GET, request=request)
    if not filterset.is_valid():
        raise Http404
    data = export.tickets_workbook(queryset[: export.MAX_ROWS], today=timezone.localdate())
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E9%97%AE%E9%A2%98%E6%B8%85%E5%8D%95.xlsx"
    return response


def ticket_detail(request, pk):
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    actions = permissions.available_actions(request.user, ticket)
    forms = {a: ACTION_FORMS[a](prefix=a) for a in actions}
    _lights([ticket], timezone.localdate())
    return render(
        request,
        "issues/ticket_detail.html",
        {
            "ticket": ticket,
            "actions": [(a, Action(a).label, forms[a]) for a in sorted(actions, key=ACTION_ORDER.index)],
            "checkpoints": list(ticket.checkpoints.all()),
            "events": list(ticket.events.all()),
            "visits": list(ticket.visits.all()),
            "today": timezone.localdate(),
        },
    )


def _call(action, user, ticket, data):
    """Run one action's service with its form's cleaned data."""
    today = timezone.localdate()
    uploads = data.get("attachments") or []
    if action == "assign":
        return services.ticket_assign(
            actor=user,
            ticket=ticket,
            lead_unit=data["lead_unit"],
            co_units=data["co_units"],
            authority=data["authority"],
            responsible_leader=data["responsible_leader"],
            deadline=data["deadline"],
            priority=data["priority"],
            complexity=data["complexity"],
            on_clock=data["on_clock"],
            note=data["note"],
        )
    if action == "sign":
        return services.ticket_sign(actor=user, ticket=ticket, note=data["note"])
    if action == "progress":
        return services.ticket_progress(actor=user, ticket=ticket, note=data["note"], uploads=uploads)
    if action == "report_solved":
        return services.ticket_report_solved(actor=user, ticket=ticket, note=data["note"], uploads=uploads)
    if action == "visit":
        return services.ticket_visit(
            actor=user,
            ticket=ticket,
            answer=data["answer"],
            words=data["words"],
            visited_on=data["visited_on"],
        )
    if action == "close":
        return services.ticket_close(actor=user, ticket=ticket, grade=data["grade"], note=data["note"])
    if action == "return":
        return services.ticket_return(actor=user, ticket=ticket, reason=data["reason"])
    if action == "suspend":
        return services.ticket_suspend(
            actor=user, ticket=ticket, reason=data["reason"], progress_every=data["progress_every"]
        )
    if action == "resume":
        return services.ticket_resume(actor=user, ticket=ticket, deadline=data["deadline"], note=data["note"])
    if action == "supervise":
        return services.ticket_supervise(actor=user, ticket=ticket, level=data["level"], note=data["note"])
    if action == "hand_up":
        return services.ticket_hand_up(actor=user, ticket=ticket, reason=data["reason"])
    if action == "timetable":
        return services.ticket_timetable(
            actor=user,
            ticket=ticket,
            milestones=data["milestones"],
            progress_every=data["progress_every"],
            note=data["note"],
            today=today,
        )
    raise Http404


@require_POST
def ticket_action(request, pk, action):
    ticket = selectors.ticket_get_for_user(user=request.user, pk=pk)
    if action not in ACTION_FORMS:
        raise Http404
    if not permissions.may(request.user, ticket, action):
        raise PermissionDenied(f"您没有对该事项进行“{Action(action).label}”的权限。")
    form = ACTION_FORMS[action](request.POST, request.FILES, prefix=action)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect("issues:ticket_detail", pk=ticket.pk)
    try:
        _call(action, request.user, ticket, form.cleaned_data)
    except (ServiceError, ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"{ticket.number}：{Action(action).label}已完成。")
    return redirect("issues:ticket_detail", pk=ticket.pk)


@require_http_methods(["GET", "POST"])
def ticket_create(request, project_pk):
    project = project_get_for_user(user=request.user, pk=project_pk)
    if not permissions.can_report_problem(request.user, project):
        raise PermissionDenied("您没有登记问题的权限。")
    # Raised at a meeting: `?decision=<id>` links the ticket to the decision it came from.
    decision = None
    if request.GET.get("decision", "").isdigit():
        decision = (
            selectors.tickets_for_user(request.user)
            .filter(kind=MatterKind.DECISION)
            .filter(pk=request.GET["decision"])
            .first()
        )
    initial = {"source": "meeting"} if decision else {}
    form = TicketCreateForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                source_decision=decision,
                actor=request.user,
                project=project,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                source=data["source"],
                found_on=data["found_on"],
                uploads=data["attachments"],
            )
        except (ServiceError, ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"问题已登记为{ticket.number}，待专班办公室交办。")
            return redirect("issues:ticket_detail", pk=ticket.pk)
    return render(
        request, "issues/ticket_form.html", {"form": form, "project": project, "decision": decision}
    )


def attachment_file(request, pk):
    attachment = get_object_or_404(TicketAttachment, pk=pk)
    selectors.ticket_get_for_user(user=request.user, pk=attachment.ticket_id)  # scope check (404)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


def ticket_supervised(request):
    """The leaders' view: supervised matters, highest level first; a leader's own level marked."""
    tickets = list(selectors.supervised_open(user=request.user)[:500])
    _lights(tickets, timezone.localdate())
    levels = [
        (v, label, [t for t in tickets if t.supervision == v])
        for v, label in reversed(Supervision.choices)
        if v
    ]
    return render(request, "issues/ticket_supervised.html", {"levels": levels, "count": len(tickets)})


def ticket_stats(request):
    kind = request.GET.get("kind") or MatterKind.PROBLEM
    if kind not in MatterKind.values:
        kind = MatterKind.PROBLEM
    stats = selectors.ticket_stats(user=request.user, kind=kind)
    return render(
        request, "issues/ticket_stats.html", {"stats": stats, "kind": kind, "kinds": MatterKind.choices}
    )


@require_http_methods(["GET", "POST"])
def deadline_settings(request):
    if not permissions.can_edit_deadlines(request.user):
        raise PermissionDenied("只有专班办公室可以修改问题办结时限。")
    rows = list(CategoryDeadline.objects.all())
    form = DeadlineForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        for row in rows:
            if form.cleaned_data[row.category] != row.working_days:
                services.category_deadline_save(
                    actor=request.user, category=row.category, working_days=form.cleaned_data[row.category]
                )
        messages.success(request, "问题办结时限已保存。")
        return redirect("issues:deadline_settings")
    return render(request, "issues/deadline_settings.html", {"form": form})


# --- meetings ---------------------------------------------------------------------------------------


def meeting_list(request):
    level = request.GET.get("level", "")
    meetings = selectors.meeting_list(user=request.user, level=level if level in MeetingLevel.values else "")
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "issues/meeting_list.html",
        {
            "page_obj": page,
            "meetings": page.object_list,
            "levels": MeetingLevel.choices,
            "level": level,
            "by_unit": selectors.open_decisions_by_unit(user=request.user),
            "can_manage": permissions.can_manage_meetings(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk=None):
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied("只有专班办公室可以组织调度会。")
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk) if pk else Meeting()
    form = MeetingForm(
        request.POST or None, instance=meeting, initial={} if pk else {"date": dt.date.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_save(
                actor=request.user,
                meeting=form.save(commit=False),
                attendee_units=form.cleaned_data["attendee_units"],
            )
        except (ServiceError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "调度会已保存。")
            return redirect("issues:meeting_detail", pk=meeting.pk)
    return render(request, "issues/meeting_form.html", {"form": form, "meeting": meeting if pk else None})


def meeting_detail(request, pk):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    decisions = list(selectors.meeting_decisions(user=request.user, meeting=meeting))
    _lights(decisions, timezone.localdate())
    manage = permissions.can_manage_meetings(request.user)
    return render(
        request,
        "issues/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": list(meeting.agenda_items.all()),
            "decisions": decisions,
            "can_manage": manage,
            "agenda_form": AgendaForm(prefix="agenda") if manage else None,
            "decision_form": DecisionForm(prefix="decision") if manage else None,
        },
    )


@require_POST
def meeting_agenda(request, pk):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied("只有专班办公室可以编排议程。")
    form = AgendaForm(request.POST, prefix="agenda")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["selection"]:
                n = services.agenda_from_selection(
                    actor=request.user,
                    meeting=meeting,
                    selection=data["selection"],
                    behind_only=data["behind_only"],
                    with_tickets=data["with_tickets"],
                )
                messages.success(request, f"已按筛选条件增加议题{n}项。")
            if data["text"]:
                services.agenda_add(actor=request.user, meeting=meeting, text=data["text"])
                messages.success(request, "议题已增加。")
        except ServiceError as error:
            messages.error(request, str(error))
    return redirect(reverse("issues:meeting_detail", args=[meeting.pk]) + "#agenda")


@require_POST
def meeting_decision(request, pk):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied("只有专班办公室可以登记议定事项。")
    form = DecisionForm(request.POST, prefix="decision")
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_create(
                actor=request.user,
                meeting=meeting,
                title=data["title"],
                description=data["description"],
                lead_unit=data["lead_unit"],
                co_units=data["co_units"],
                deadline=data["deadline"],
                responsible_leader=data["responsible_leader"],
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"议定事项{decision.number}已交办{decision.lead_unit.display_name}。")
    else:
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}：{'；'.join(errors)}"
            )
    return redirect(reverse("issues:meeting_detail", args=[meeting.pk]) + "#decisions")


def meeting_docx(request, pk):
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    decisions = list(selectors.meeting_decisions(user=request.user, meeting=meeting))
    data = export.meeting_document(meeting, list(meeting.agenda_items.all()), decisions)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename=meeting-{meeting.pk}.docx"
    return response


def dossier_tickets_section(user, project) -> dict:
    """The dossier's card: the project's matters and a "report a problem" button."""
    tickets = list(selectors.tickets_for_project(user=user, project=project)[:50])
    _lights(tickets, timezone.localdate())
    return {
        "template": "issues/dossier_tickets.html",
        "context": {
            "project": project,
            "tickets": tickets,
            "can_report": permissions.can_report_problem(user, project),
        },
    }
