"""Template helpers of the monthly-progress pages: status badges and the grid's rows."""

from __future__ import annotations

import functools
import html
from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from projects.templatetags.portal import wan

from ..choices import ReportStatus

register = template.Library()

STATUS_BADGE = {
    ReportStatus.DRAFT: "text-bg-secondary",
    ReportStatus.SUBMITTED: "text-bg-primary",
    ReportStatus.APPROVED: "text-bg-success",
    ReportStatus.RETURNED: "text-bg-danger",
}


@register.simple_tag
def report_badge(status, revision=0):
    """草稿 / 已提交 / 已审核 / 已退回 (or 未填报), with the correction count when there is one."""
    try:
        status = ReportStatus(status)
    except ValueError:
        return format_html('<span class="badge bg-light text-body-secondary border">{}</span>', _("未填报"))
    badge = format_html('<span class="badge {}">{}</span>', STATUS_BADGE[status], status.label)
    if revision:
        badge = format_html(
            '{} <span class="badge bg-warning-subtle text-warning-emphasis border" title="{}">{}</span>',
            badge,
            _("更正次数"),
            _("第%(n)s次更正") % {"n": revision},
        )
    return badge


# --- the grid's rows -------------------------------------------------------------------------
# A unit may have ~500 projects. Rendered through the template engine each row costs ~50 variable
# lookups and two URL reversals; built here with plain string formatting the 500 rows take a few
# milliseconds. The markup is the same the template would produce (everything user-typed escaped).


def _e(value) -> str:
    if value is None or value == "":
        return ""
    return html.escape(str(value), quote=True)


def _url_pattern(name: str) -> str:
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def _money(value, blank: str = "—") -> str:
    """万元 as the review page shows it (thousands separators); the script reads these cells back.
    The grid's amounts are Decimals with two places already: formatted directly, as `wan` would."""
    if value is None:
        return blank
    if type(value) is Decimal and value.as_tuple().exponent == -2:
        return f"{value:,.2f}"
    return wan(value)


def _errors(messages, css="invalid-feedback") -> str:
    return f'<div class="{css}">{_e("；".join(messages))}</div>' if messages else ""


def _input(p, col, value, errors, *, label, numeric=False, hidden=False, placeholder="") -> str:
    cls = " num" if numeric else ""
    if col == "explanation":
        cls += " expl"
    if errors:
        cls += " is-invalid"
    if hidden:
        cls += " d-none"
    extra = ' inputmode="decimal" autocomplete="off"' if numeric else ""
    if placeholder:
        extra += f' placeholder="{placeholder}"'
    return (
        f'<input class="form-control form-control-sm{cls}" name="r-{p}-{col}" value="{_e(value)}" '
        f'data-col="{col}" aria-label="{_e(label)}"{extra}>{_errors(errors)}'
    )


# The input cells of a row without errors (most rows), as `_input` writes them: one format call
# per row instead of five builds. {p} project id, {v} version, {name} its escaped name, then the
# escaped values; {xh} hides the explanation unless it is needed.
_PLAIN_INPUTS = (
    '<td class="col-input"><input type="hidden" name="r-{p}-version" value="{v}">'
    '<input class="form-control form-control-sm num" name="r-{p}-invested" value="{invested}" '
    'data-col="invested" aria-label="{name} @invested@" inputmode="decimal" autocomplete="off"></td>'
    "{figures}"
    '<td><input class="form-control form-control-sm" name="r-{p}-image_progress" value="{image_progress}" '
    'data-col="image_progress" aria-label="@image_progress@"></td>'
    '<td><input class="form-control form-control-sm num" name="r-{p}-percent_complete" value="{percent_complete}" '
    'data-col="percent_complete" aria-label="@percent_complete@" inputmode="decimal" autocomplete="off"></td>'
    '<td><input class="form-control form-control-sm" name="r-{p}-problems" value="{problems}" '
    'data-col="problems" aria-label="@problems@"></td>'
    '<td class="col-expl"><input class="form-control form-control-sm expl{xh}" name="r-{p}-explanation" '
    'value="{explanation}" data-col="explanation" aria-label="@explanation@" placeholder="@placeholder@"></td>'
)


@register.simple_tag
def grid_rows(grid, can_write):
    """The grid's rows. Column order: name (sticky, with the status chip and a return reason where
    the clerk types), 上月, 本月, 1–N月累计, 年度计划, 完成率, then the text inputs, so the figures a
    clerk checks stay in view at 1366 px. Links are out of the Tab order: Tab runs from a row's last
    input to the next row's first input, as in a spreadsheet."""
    project_url = _url_pattern("projects:project_detail")
    report_url = _url_pattern("reporting:report_detail")
    correct_url = _url_pattern("reporting:report_correct")
    empty_badge = str(report_badge(""))
    t = {
        "invested": _("本月完成投资"),
        "image_progress": _("形象进度"),
        "percent_complete": _("完成比例"),
        "problems": _("存在问题"),
        "explanation": _("超出说明"),
        "placeholder": _("超出剩余投资的原因"),
    }
    plain_inputs = _PLAIN_INPUTS
    for key, text in t.items():
        plain_inputs = plain_inputs.replace(f"@{key}@", _e(text).replace("{", "{{").replace("}", "}}"))
    no_code, correct, return_reason = _("（暂无代码）"), _("更正"), _("退回原因：")
    start_label, prework = _("实际开工日期"), _("前期")
    badges: dict = {}
    out = []
    add = out.append
    for row in grid.rows:
        p = row.project_id
        e = row.errors
        report = row.report
        editable = row.editable and can_write
        state = row.status or ("may_start" if row.is_prework else "none")
        plan = "" if row.annual_plan is None else row.annual_plan
        last = "" if row.last_month is None else row.last_month
        # numbers need no escaping
        remaining = row.remaining
        attrs = (
            f'data-pid="{p}" data-status="{state}" data-ytd-before="{row.ytd_before}" '
            f'data-plan="{plan}" data-remaining="{remaining}" data-last="{last}"'
        )
        if row.returned_unchanged:
            attrs += ' data-returned-unchanged="1"'
        if row.posted is not None:
            attrs += ' data-dirty="1"'
        classes = []
        if e:
            classes.append("has-error")
        if state == ReportStatus.RETURNED:
            classes.append("is-returned")
        if classes:
            attrs += f' class="{" ".join(classes)}"'
        add(f"<tr {attrs}>")
        # name, status chip, code, return reason, row errors, start date of a 前期 project
        if report is not None:
            key = (report.status, report.revision)
            badge = badges.get(key) or badges.setdefault(key, str(report_badge(*key)))
            chip = f'<a class="status-chip" tabindex="-1" href="{report_url.format(report.pk)}">{badge}</a>'
        else:
            chip = f'<span class="status-chip">{empty_badge}</span>'
        add(
            f'<td class="col-name"><div class="name-line"><a tabindex="-1" href="{project_url.format(p)}">{_e(row.name)}</a>'
            f"{chip}</div>"
            f'<div class="small text-body-secondary">{_e(row.code) or no_code}'
        )
        if report is not None and report.status == ReportStatus.APPROVED and can_write:
            add(f' · <a class="small" tabindex="-1" href="{correct_url.format(report.pk)}">{correct}</a>')
        add("</div>")
        if state == ReportStatus.RETURNED:
            add(
                f'<div class="return-reason small text-danger"><i class="bi bi-arrow-return-left me-1"></i>'
                f"{return_reason}{_e(report.return_reason)}</div>"
            )
        if row.row_errors:
            add(_errors(row.row_errors, "text-danger small"))
        if row.is_prework and editable:
            v = row.inputs
            invalid = " is-invalid" if e.get("actual_start") else ""
            add(
                f'<label class="small d-block mt-1">{start_label}<input type="date" '
                f'class="form-control form-control-sm{invalid}" name="r-{p}-actual_start" '
                f'value="{_e(v.get("actual_start"))}" data-col="actual_start"></label>'
                f"{_errors(e.get('actual_start'), 'invalid-feedback d-block')}"
                f'<span class="badge text-bg-info">{prework}</span>'
            )
        add("</td>")
        add(f'<td class="num">{_money(row.last_month)}</td>')
        rate = row.completion_rate
        rate = "—" if rate is None else f"{rate}%"
        figures = (
            f'<td class="num ytd">{_money(row.ytd)}</td><td class="num">{_money(row.annual_plan)}</td>'
            f'<td class="num rate">{rate}</td>'
        )
        if editable and not e and row.posted is None:
            report = row.report
            add(
                plain_inputs.format(
                    p=p,
                    v=report.version if report else "",
                    name=_e(row.name),
                    invested=_money(report.invested) if report else "",
                    figures=figures,
                    image_progress=_e(report.image_progress) if report else "",
                    percent_complete=""
                    if report is None or report.percent_complete is None
                    else report.percent_complete,
                    problems=_e(report.problems) if report else "",
                    explanation=_e(report.explanation) if report else "",
                    xh="" if report and (report.explanation or report.invested > remaining) else " d-none",
                )
            )
        elif editable:
            v = row.inputs
            amount = v.get("invested")
            if row.posted is None and amount is not None:
                amount = _money(amount)  # 1,234.50 as everywhere else; the parser reads it back
            invested = _input(
                p,
                "invested",
                amount,
                e.get("invested"),
                label=f"{row.name} {t['invested']}",
                numeric=True,
            )
            add(
                f'<td class="col-input"><input type="hidden" name="r-{p}-version" value="{_e(row.version)}">{invested}</td>'
            )
            add(figures)
            add(
                f"<td>{_input(p, 'image_progress', v.get('image_progress'), e.get('image_progress'), label=t['image_progress'])}</td>"
            )
            pct = _input(
                p,
                "percent_complete",
                v.get("percent_complete"),
                e.get("percent_complete"),
                label=t["percent_complete"],
                numeric=True,
            )
            add(f"<td>{pct}</td>")
            add(
                f"<td>{_input(p, 'problems', v.get('problems'), e.get('problems'), label=t['problems'])}</td>"
            )
            hidden = not (row.needs_explanation or v.get("explanation") or e.get("explanation"))
            expl = _input(
                p,
                "explanation",
                v.get("explanation"),
                e.get("explanation"),
                label=t["explanation"],
                hidden=hidden,
                placeholder=_e(t["placeholder"]),
            )
            add(f'<td class="col-expl">{expl}</td>')
        else:
            v = row.inputs
            add(f'<td class="num">{_money(row.invested, blank="")}</td>')
            add(figures)
            add(
                f'<td class="small">{_e(v.get("image_progress"))}</td>'
                f'<td class="num">{_e(v.get("percent_complete"))}</td><td class="small">{_e(v.get("problems"))}</td>'
                f'<td class="small">{_e(v.get("explanation"))}</td>'
            )
        add("</tr>\n")
    return mark_safe("".join(out))


@register.simple_tag
def ym(year, month):
    """A month as the pages word it: "2025年6月" (English: "6/2025")."""
    return _("%(year)s年%(month)s月") % {"year": year, "month": month}


@register.simple_tag
def period_options(periods, year, month):
    """The month picker's options, the chosen month selected: one call instead of a loop of template
    nodes per month (the grid is drawn after every save)."""
    chosen = (int(year), int(month))
    return mark_safe(
        "".join(
            f'<option value="{y}-{m}"{" selected" if (y, m) == chosen else ""}>{_e(ym(y, m))}</option>'
            for y, m in periods
        )
    )


@register.simple_tag
def months_to(month):
    """The months of the year up to `month`: "1–6月" (English: "months 1–6")."""
    return _("1–%(month)s月") % {"month": month}


@register.simple_tag
def months_total(month, year=None):
    """The running total's label as one sentence: "1–6月累计", "2025年1–6月累计" (English: "Total,
    months 1–6", "Total, months 1–6 of 2025")."""
    if year is None:
        return _("1–%(month)s月累计") % {"month": month}
    return _("%(year)s年1–%(month)s月累计") % {"year": year, "month": month}


@register.simple_tag
def script_texts():
    """The user-facing words of report_grid.js and report_review.js in the page's language, as a JSON
    script tag (the Content-Security-Policy allows no inline script; `{n}` etc. are filled by the script).
    Built once per language and process: the grid is drawn after every save."""
    return _script_texts(get_language())


@functools.cache
def _script_texts(language: str):
    # `language` is the cache key: gettext below reads the active language, which is this one.
    texts = {
        "leave": _("本页有未保存的修改，离开后这些修改将丢失。确定离开吗？"),
        "investedInvalid": _("本月完成投资须为数字（万元）"),
        "investedNegative": _("本月完成投资不能为负数"),
        "investedDecimals": _("本月完成投资最多保留两位小数（万元）"),
        "progressRequired": _("本月有完成投资时须填写形象进度"),
        "percentRange": _("工程形象完成比例应在0到100之间"),
        "explanationRequired": _("超出剩余投资（剩余{remaining}万元），请填写超出说明"),
        "startRequired": _("前期项目首次填报投资即视为开工，请填写实际开工日期"),
        "pasted": _("已粘贴 {n} 个单元格"),
        "pastedLocked": _("；{n} 个单元格属于已提交或已审核的项目，未填入"),
        "pastedBeyond": _("；超出表格的 {n} 行未填入"),
        "pastedEnd": _("。"),
        "shown": _("显示 {n} / {total} 项"),
        "submitIntro": _("提交后将进入审核，审核通过前不能修改。"),
        "submitEmpty": _("还有 {n} 个项目未填报。"),
        "submitStale": _("{n} 个已退回的项目自退回后未修改，将不会提交，请按退回原因修改。"),
        "submitConfirm": _("确认提交本月全部进展？"),
        "problems": _("有 {n} 处填报有误，请按红色提示修改后再保存。"),
        "approveSelected": _("确认通过所勾选的 {n} 个项目的月度进展？"),
    }
    return json_script(texts, "report-script-texts")
