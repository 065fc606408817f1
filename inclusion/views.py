"""Pages of 入库纳统. Thin: parse input → selector/service → respond."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projects import periods
from projects.exceptions import ConflictError
from projects.importing.safety import UnsafeFile

from . import permissions, selectors, services
from .choices import TRANSITIONS, ExportKind, InclusionStatus, JobStatus, UploadKind
from .excel import XLSX, build_export
from .filters import InclusionFilterForm
from .forms import BulkForm, EvidenceForm, MoveForm, RequestForm, RuleForm, UploadForm
from .models import InclusionRule

PAGE_SIZES = (25, 50, 100, 200)
FILTER_FIELDS = (
    "county",
    "department",
    "status",
    "lacks",
    "ready",
    "duplicate",
    "min_days",
    "search",
    "ordering",
)


def _require_reader(user):
    if not permissions.can_see_inclusion(user):
        raise PermissionDenied("只有统计局、专班办公室和领导可以查看入库纳统。")


def _require_manager(user):
    if not permissions.can_manage_inclusion(user):
        raise PermissionDenied("只有统计局可以办理入库纳统。")


def _filters(request, rules):
    form = InclusionFilterForm(request.GET or None, rules=rules)
    form.is_valid()
    return form, form.values()


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- the screening -------------------------------------------------------------------------


@require_GET
def screening(request):
    user = request.user
    _require_reader(user)
    year, month = periods.parse_period(request.GET)
    rules = selectors.active_rules()
    form, filters = _filters(request, rules)
    result = selectors.screening(user=user, filters=filters, year=year, month=month)
    try:
        page_size = int(request.GET.get("page_size") or 50)
    except ValueError:
        page_size = 50
    page_size = page_size if page_size in PAGE_SIZES else 50
    page = Paginator(result.rows, page_size).get_page(request.GET.get("page"))
    selectors.attach_figures(list(page.object_list), year=year, month=month)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inclusion/screening.html",
        {
            "s": result,
            "form": form,
            "filter_fields": [form[name] for name in FILTER_FIELDS],
            "page_obj": page,
            "rows": page.object_list,
            "year": year,
            "month": month,
            "periods": periods.period_choices(),
            "query": query.urlencode(),
            "can_manage": permissions.can_manage_inclusion(user),
            "can_configure": permissions.can_configure_rules(user),
            "export_kinds": ExportKind.choices,
            "statuses": InclusionStatus,
            "area": selectors.area_name(user),
        },
    )


@require_POST
def bulk(request):
    user = request.user
    _require_manager(user)
    form = BulkForm(request.POST)
    back = _back(request, reverse("inclusion:screening"))
    if not form.is_valid():
        messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
        return redirect(back)
    projects = selectors.scoped_projects(user).filter(pk__in=form.cleaned_data["ids"]).order_by("pk")
    try:
        result = services.inclusion_bulk(
            actor=user, projects=projects, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"]
        )
    except services.InclusionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    label = InclusionStatus(form.cleaned_data["to"]).label
    if result.moved:
        messages.success(request, f"已将 {len(result.moved)} 个项目改为“{label}”。")
    if result.skipped:
        lines = "；".join(why for _pid, _name, why in result.skipped[:10])
        more = f"（另有 {len(result.skipped) - 10} 个）" if len(result.skipped) > 10 else ""
        messages.warning(request, f"{len(result.skipped)} 个项目未改：{lines}{more}")
    return redirect(back)


# --- one project ---------------------------------------------------------------------------


def _detail_context(request, detail, **forms):
    user = request.user
    return {
        "d": detail,
        "project": detail.project,
        "can_manage": permissions.can_manage_inclusion(user),
        "can_upload": permissions.can_upload_evidence(user, detail.project),
        "move_form": forms.get("move_form")
        or MoveForm(
            initial={
                "version": detail.record.version if detail.record else None,
                "to": TRANSITIONS[detail.status][0],
            }
        ),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "request_form": forms.get("request_form") or RequestForm(initial={"kinds": detail.missing_kinds}),
        "statuses": InclusionStatus,
        "recipients": selectors.evidence_request_recipients(detail.project),
    }


@require_GET
def detail(request, pk):
    _require_reader(request.user)
    d = selectors.inclusion_detail(user=request.user, pk=pk)
    return render(request, "inclusion/detail.html", _detail_context(request, d))


@require_POST
def move(request, pk):
    user = request.user
    project = selectors.project_for_user(user=user, pk=pk)
    _require_manager(user)
    form = MoveForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            record = services.inclusion_move(
                actor=user,
                project=project,
                to=c["to"],
                reason=c["reason"],
                stats_number=c["stats_number"],
                on=c["on"],
                duplicate_note=c["duplicate_note"],
                version=c["version"],
            )
        except (services.InclusionError, ConflictError) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, f"“{project.name}”已改为“{record.get_status_display()}”。")
            return redirect(_back(request, reverse("inclusion:detail", args=[project.pk])))
    d = selectors.inclusion_detail(user=user, pk=pk)
    return render(request, "inclusion/detail.html", _detail_context(request, d, move_form=form), status=400)


@require_POST
def evidence_upload(request, pk):
    user = request.user
    project = selectors.project_for_user(user=user, pk=pk)
    if not permissions.can_upload_evidence(user, project):
        raise PermissionDenied("您没有上传佐证资料的权限。")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                actor=user, project=project, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
            messages.success(request, f"已上传{form.cleaned_data['kind'].name}。")
        except services.InclusionError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
    return redirect(_back(request, reverse("projects:project_detail", args=[project.pk]) + "#inclusion"))


@require_POST
def evidence_request(request, pk):
    user = request.user
    project = selectors.project_for_user(user=user, pk=pk)
    _require_manager(user)
    form = RequestForm(request.POST)
    if form.is_valid():
        services.evidence_request(
            actor=user,
            project=project,
            kinds=form.cleaned_data["kinds"],
            message=form.cleaned_data["message"],
        )
        messages.success(request, "已要求项目单位补充资料，项目单位可在项目页面看到。")
    else:
        messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
    return redirect(_back(request, reverse("inclusion:detail", args=[project.pk])))


@require_GET
def evidence_file(request, pk):
    evidence = selectors.evidence_get_for_user(user=request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件已丢失，请重新上传。") from None
    content_type = (
        {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}.get(evidence.file_format)
        or mimetypes.guess_type(evidence.file.name)[0]
        or "application/octet-stream"
    )
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(evidence.original_name or 'file')}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def dossier_inclusion_section(user, project) -> dict | None:
    """The 入库纳统 card of a project's dossier (registered in `InclusionConfig.ready`): its status,
    what it lacks, its evidence and what the bureau has asked of its units."""
    d = selectors.dossier_inclusion(project)
    return {
        "template": "inclusion/dossier_card.html",
        "context": {
            "d": d,
            "can_upload": permissions.can_upload_evidence(user, project),
            "can_see": permissions.can_see_inclusion(user),
            "evidence_form": EvidenceForm(),
        },
    }


# --- the directory -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def directory(request):
    user = request.user
    _require_reader(user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    error = ""
    if request.method == "POST":
        _require_manager(user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.directory_import_preview(
                    actor=user, data=upload.read(), file_name=upload.name
                )
            except UnsafeFile as exc:
                error = str(exc)
            else:
                return redirect("inclusion:directory_preview", pk=batch.pk)
    search = request.GET.get("search", "").strip()
    entries = Paginator(selectors.directory_list(search=search), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inclusion/directory.html",
        {
            "form": form,
            "error": error,
            "page_obj": entries,
            "search": search,
            "query": f"search={quote(search)}" if search else "",
            "unmatched": selectors.directory_unmatched(user=user, limit=100),
            "uploads": selectors.uploads_for_user(user=user, kind=UploadKind.DIRECTORY),
            "can_manage": permissions.can_manage_inclusion(user),
        },
        status=400 if error or form.errors else 200,
    )


@require_GET
def directory_preview(request, pk):
    _require_manager(request.user)
    upload = selectors.upload_get_for_user(user=request.user, pk=pk, kind=UploadKind.DIRECTORY)
    return render(request, "inclusion/directory_preview.html", {"upload": upload, "summary": upload.summary})


@require_POST
def directory_commit(request, pk):
    _require_manager(request.user)
    upload = selectors.upload_get_for_user(user=request.user, pk=pk, kind=UploadKind.DIRECTORY)
    try:
        n = services.directory_import_commit(actor=request.user, upload=upload)
    except services.InclusionError as exc:
        messages.error(request, str(exc))
        return redirect("inclusion:directory_preview", pk=upload.pk)
    messages.success(
        request, f"名录库已导入（{n} 个单位新增或更新）。" if n else "该文件已导入过，未重复导入。"
    )
    return redirect("inclusion:directory")


# --- the screening list re-imported ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def status_import(request):
    user = request.user
    _require_manager(user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.status_import_preview(
                actor=user,
                data=upload.read(),
                file_name=upload.name,
                projects_in_scope=selectors.scoped_projects(user),
            )
        except UnsafeFile as exc:
            error = str(exc)
        else:
            return redirect("inclusion:status_import_preview", pk=batch.pk)
    return render(
        request,
        "inclusion/status_import.html",
        {
            "form": form,
            "error": error,
            "uploads": selectors.uploads_for_user(user=user, kind=UploadKind.STATUS),
        },
        status=400 if error or form.errors else 200,
    )


@require_GET
def status_import_preview(request, pk):
    _require_manager(request.user)
    upload = selectors.upload_get_for_user(user=request.user, pk=pk, kind=UploadKind.STATUS)
    return render(
        request, "inclusion/status_import_preview.html", {"upload": upload, "summary": upload.summary}
    )


@require_POST
def status_import_commit(request, pk):
    user = request.user
    _require_manager(user)
    upload = selectors.upload_get_for_user(user=user, pk=pk, kind=UploadKind.STATUS)
    try:
        n = services.status_import_commit(
            actor=user, upload=upload, projects_in_scope=selectors.scoped_projects(user)
        )
    except (services.InclusionError, ConflictError) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return redirect("inclusion:status_import_preview", pk=upload.pk)
    messages.success(request, f"已导入 {n} 个项目的入库状态。" if n else "该文件已导入过，未重复导入。")
    return redirect("inclusion:screening")


# --- exports -------------------------------------------------------------------------------


def _attachment(name: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"inclusion.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@require_GET
def export(request, kind):
    user = request.user
    _require_reader(user)
    if kind not in ExportKind.values:
        raise Http404("报表不存在。")
    year, month = periods.parse_period(request.GET)
    rules = selectors.active_rules()
    _form, filters = _filters(request, rules)
    if kind in (ExportKind.SCREENING, ExportKind.INCLUDED):
        # A large list is built in the background: the page shows a progress bar, then the link.
        listing = {**filters, "list": "included"} if kind == ExportKind.INCLUDED else filters
        n = selectors.screening_list(user=user, filters=listing, rules=rules).count()
        if n > settings.INCLUSION_EXPORT_INLINE_ROWS:
            params = {"year": year, "month": month, "filters": request.GET.dict()}
            job = services.export_job_start(actor=user, kind=kind, params=params)
            return redirect("inclusion:export_job", pk=job.pk)
    name, data = build_export(kind, user=user, year=year, month=month, filters=filters)
    return _attachment(name, data)


@require_GET
def export_job(request, pk):
    _require_reader(request.user)
    job = selectors.export_job_for_user(user=request.user, pk=pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "percent": job.percent,
                "done": job.done,
                "total": job.total,
                "error": job.error,
                "download": reverse("inclusion:export_download", args=[job.pk])
                if job.status == JobStatus.DONE
                else None,
            }
        )
    return render(request, "inclusion/export_job.html", {"job": job})


@require_GET
def export_download(request, pk):
    _require_reader(request.user)
    job = selectors.export_job_for_user(user=request.user, pk=pk)
    if job.status != JobStatus.DONE:
        raise Http404("报表尚未生成完成。")
    content = type(job).objects.values_list("content", flat=True).get(pk=job.pk)
    return _attachment(job.file_name, bytes(content))


# --- the rules -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rules(request):
    user = request.user
    _require_reader(user)
    if request.method == "POST":
        if not permissions.can_configure_rules(user):
            raise PermissionDenied("入库条件由市统计局设置。")
        form = RuleForm(request.POST)
        if form.is_valid():
            c = form.cleaned_data
            rule = InclusionRule.objects.filter(pk=c["rule"]).first()
            if rule is None:
                raise Http404("条件不存在。")
            try:
                services.rule_update(
                    actor=user,
                    rule=rule,
                    is_active=c["is_active"],
                    threshold=c["threshold"],
                    version=c["version"],
                )
                messages.success(request, f"已保存“{rule.name}”。")
            except (services.InclusionError, ConflictError) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc))
        else:
            messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
        return redirect("inclusion:rules")
    return render(
        request,
        "inclusion/rules.html",
        {
            "rules": selectors.rule_list(),
            "can_configure": permissions.can_configure_rules(user),
            "default_threshold": settings.INCLUSION_MIN_INVESTMENT,
        },
    )
