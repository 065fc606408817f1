"""Pages of dispatch: the inbox, notification preferences, the office's schedule overview and the
working-day calendar. Thin: parse input → selector/service → respond."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import permissions, selectors, services
from .calendar import WorkCalendar
from .choices import RunStatus, kind_label
from .exceptions import DispatchError
from .forms import NotificationFilterForm, PreferenceForm, ScheduleForm, WorkdayForm, YearForm
from .models import ChannelPreference, Notification, Schedule

PAGE_SIZE = 20


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# --- inbox ----------------------------------------------------------------------------------


@require_GET
def notification_list(request):
    user = request.user
    form = NotificationFilterForm(request.GET or None, kinds=selectors.notification_kinds(user=user))
    qs = selectors.notification_list(user=user)
    if form.is_valid():
        status = form.cleaned_data.get("status")
        if status == "unread":
            qs = qs.filter(read_at__isnull=True)
        elif status == "read":
            qs = qs.filter(read_at__isnull=False)
        if form.cleaned_data.get("kind"):
            qs = qs.filter(kind=form.cleaned_data["kind"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "scheduling/notification_list.html",
        {
            "form": form,
            "page_obj": page,
            "notifications": page.object_list,
            "filtered": bool(request.GET.get("status") or request.GET.get("kind")),
        },
    )


@require_GET
def notification_open(request, pk: int):
    """Open a notification: it is marked read and the user goes to what it is about."""
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404("没有这条通知。") from exc
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect(reverse("scheduling:notification_list"))


@require_POST
def notification_read(request, pk: int):
    try:
        services.notification_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404("没有这条通知。") from exc
    return redirect(_safe_next(request, reverse("scheduling:notification_list")))


@require_POST
def notification_read_all(request):
    n = services.notifications_mark_all_read(user=request.user, kind=request.POST.get("kind") or None)
    messages.success(request, f"已将 {n} 条通知标为已读。" if n else "没有未读通知。")
    return redirect(_safe_next(request, reverse("scheduling:notification_list")))


@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    pref = ChannelPreference.objects.filter(user=request.user).first()
    initial = {"email": pref.email if pref else True, "muted_kinds": pref.muted_kinds if pref else []}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            user=request.user, email=form.cleaned_data["email"], muted_kinds=form.cleaned_data["muted_kinds"]
        )
        messages.success(request, "通知偏好已保存。")
        return redirect(reverse("scheduling:notification_preferences"))
    return render(
        request,
        "scheduling/notification_preferences.html",
        {"form": form, "has_email": bool(request.user.email)},
    )


# --- schedules --------------------------------------------------------------------------------


@require_GET
def schedule_list(request):
    if not permissions.can_view_schedules(request.user):
        raise PermissionDenied("只有专班办公室、领导和管理员可以查看调度计划。")
    return render(
        request,
        "scheduling/schedule_list.html",
        {
            "rows": selectors.schedule_overview(),
            "can_run": permissions.can_run_schedule(request.user),
            "can_edit": permissions.can_edit_schedule(request.user),
            "now": timezone.localtime(),
        },
    )


@require_GET
def schedule_detail(request, pk: int):
    if not permissions.can_view_schedules(request.user):
        raise PermissionDenied("只有专班办公室、领导和管理员可以查看调度计划。")
    schedule = get_object_or_404(Schedule, pk=pk)
    runs = Paginator(selectors.schedule_runs(schedule=schedule), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "scheduling/schedule_detail.html",
        {
            "schedule": schedule,
            "row": selectors.schedule_overview(schedule_id=schedule.pk)[0],
            "page_obj": runs,
            "failures": selectors.failed_deliveries(schedule=schedule)[:50],
            "kind_label": kind_label(schedule.code),
            "can_run": permissions.can_run_schedule(request.user),
            "can_edit": permissions.can_edit_schedule(request.user),
            "FAILED": RunStatus.FAILED,
        },
    )


@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk: int):
    if not permissions.can_edit_schedule(request.user):
        raise PermissionDenied("只有管理员可以修改调度计划。")
    schedule = get_object_or_404(Schedule, pk=pk)
    form = ScheduleForm(request.POST or None, instance=Schedule.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "also_notify"}
        try:
            services.schedule_update(
                actor=request.user, schedule=schedule, data=data, also_notify=form.cleaned_data["also_notify"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"调度计划“{schedule.name}”已保存。")
            return redirect(reverse("scheduling:schedule_detail", args=[pk]))
    return render(request, "scheduling/schedule_form.html", {"form": form, "schedule": schedule})


@require_POST
def schedule_run(request, pk: int):
    if not permissions.can_run_schedule(request.user):
        raise PermissionDenied("只有专班办公室或管理员可以立即执行调度。")
    schedule = get_object_or_404(Schedule, pk=pk)
    try:
        run = services.schedule_run_now(actor=request.user, schedule=schedule)
    except DispatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已开始执行“{schedule.name}”（期次 {run.key}）。已收到本期提醒的人不会重复收到；结果见执行记录。",
        )
    return redirect(_safe_next(request, reverse("scheduling:schedule_detail", args=[pk])))


# --- the working-day calendar -------------------------------------------------------------------


@require_GET
def workday_calendar(request):
    if not permissions.can_view_calendar(request.user):
        raise PermissionDenied("您没有查看工作日历的权限。")
    today = timezone.localdate()
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if request.GET.get("year") and form.is_valid() else today.year
    if request.GET.get("year") and not form.is_valid():
        messages.warning(request, f"年份须在 2000–2100 之间，已显示{today.year}年。")
    cal = WorkCalendar()
    return render(
        request,
        "scheduling/workday_calendar.html",
        {
            "cal": selectors.calendar_year(year=year),
            "year": year,
            "years": range(today.year - 2, today.year + 3),
            "today": today,
            "today_working": cal.is_working_day(today),
            "next_working": cal.add_working_days(today, 1),
            "can_edit": permissions.can_edit_calendar(request.user),
            "form": WorkdayForm(initial={"date": dt.date(year, 1, 1)}),
        },
    )


def _calendar_url(year) -> str:
    return f"{reverse('scheduling:workday_calendar')}?year={year}"


@require_POST
def workday_save(request):
    if not permissions.can_edit_calendar(request.user):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    form = WorkdayForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect(reverse("scheduling:workday_calendar"))
    day = form.cleaned_data["date"]
    services.workday_save(
        actor=request.user,
        date=day,
        is_working_day=form.cleaned_data["is_working_day"],
        name=form.cleaned_data["name"],
    )
    messages.success(request, f"{day:%Y年%m月%d日}已保存。")
    return redirect(_calendar_url(day.year))


@require_POST
def workday_delete(request, day: str):
    if not permissions.can_edit_calendar(request.user):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404("日期格式有误。") from exc
    if services.workday_delete(actor=request.user, date=date):
        messages.success(request, f"已删除{date:%Y年%m月%d日}的安排，该日按周一至周五上班的常规计算。")
    return redirect(_calendar_url(date.year))


@require_POST
def workday_import(request):
    if not permissions.can_edit_calendar(request.user):
        raise PermissionDenied("只有管理员可以维护节假日安排。")
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年份须在 2000–2100 之间。")
        return redirect(reverse("scheduling:workday_calendar"))
    year = form.cleaned_data["year"]
    try:
        n = services.workdays_import_year(actor=request.user, year=year)
    except DispatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"已导入{year}年放假安排 {n} 天。" if n else f"{year}年的安排已在日历中，没有新增。"
        )
    return redirect(_calendar_url(year))
