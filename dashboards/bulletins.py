"""The bulletin's wording: figure markers `[[code]]` in the office's prose, each replaced by a figure
of the dashboard (the same object the dashboard page shows) and a link to the projects behind it.

The office edits the prose freely; a marker it keeps stays a live figure until the bulletin is
published, when every marker's text and link are frozen with it.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape, format_html

from reporting import measures

MARKER = re.compile(r"\[\[([a-z_]+)\]\]")
DASH = "—"

# code → what it is (shown beside the editor)
MARKERS = {
    "scope": "范围（全市或县区名）",
    "year": "年度",
    "month": "截至月份",
    "planned_count": "年度计划项目数",
    "planned_total_yi": "计划项目总投资（亿元）",
    "plan_yi": "年度投资计划（亿元）",
    "ytd_yi": "1-N月累计完成投资（亿元）",
    "completion_rate": "占年度投资计划（%）",
    "gap_word": "“超过”或“低于”",
    "gap_points": "与时间进度相差（百分点）",
    "yoy_word": "“增长”或“下降”",
    "yoy_points": "同比增减幅度（%）",
    "new_planned": "计划新开工项目数",
    "started": "已开工项目数",
    "start_rate": "开工率（%）",
    "started_early": "提前开工项目数",
    "not_started_on_plan": "未按计划开工项目数",
    "continuing": "续建项目数",
    "resumed": "已复工项目数",
    "resume_rate": "复工率（%）",
    "start_resume": "开复工项目数",
    "start_resume_rate": "开复工率（%）",
    "completion_planned": "计划当年竣工项目数",
    "completed": "已竣工项目数",
    "industrial_share": "工业投资占比（%）",
    "private_share": "民间投资占比（%）",
    "reserve_at_start": "年初储备项目数",
    "reserve_converted": "储备转化开工项目数",
    "reserve_conversion": "储备转化率（%）",
    "slogan": "本季目标（开门红/双过半/超时序/收好官）",
    "slogan_word": "“已实现”或“尚未实现”",
    "area_lines": "各县（市、区）完成情况（全市通报）",
    "fast_names": "“骏马”项目",
    "slow_names": "“蜗牛”项目",
}

CITY_TEMPLATE = """[[year]]年，[[scope]]安排年度计划项目[[planned_count]]项，总投资[[planned_total_yi]]亿元，年度投资计划[[plan_yi]]亿元。1-[[month]]月累计完成投资[[ytd_yi]]亿元，占年度投资计划的[[completion_rate]]%，[[gap_word]]时间进度[[gap_points]]个百分点；与上年同期计划项目相比，同比[[yoy_word]][[yoy_points]]%。本季“[[slogan]]”目标[[slogan_word]]。
本年度计划开工项目[[new_planned]]项，实际已开工[[started]]项，完成年度计划开工的[[start_rate]]%，其中提前开工[[started_early]]项，未按计划开工[[not_started_on_plan]]项；续建项目[[continuing]]项，已复工[[resumed]]项，复工率[[resume_rate]]%；开复工项目[[start_resume]]个，开复工率[[start_resume_rate]]%。计划年内竣工项目[[completion_planned]]项，已竣工[[completed]]项。
投资结构方面，工业投资占[[industrial_share]]%，民间投资占[[private_share]]%。年初储备项目[[reserve_at_start]]项，已转化开工[[reserve_converted]]项，储备转化率[[reserve_conversion]]%。
分县（市、区）看：[[area_lines]]。
“骏马”项目：[[fast_names]]。
“蜗牛”项目：[[slow_names]]。"""

AREA_TEMPLATE = "\n".join(line for line in CITY_TEMPLATE.splitlines() if "area_lines" not in line)


def _num(value) -> str:
    return DASH if value is None else str(value)


def _drill(scope_kind: str, scope_id, year: int, month: int, code: str, **extra) -> str:
    query = {"set": code, "year": year, "month": month, **extra}
    if scope_kind == "area":
        query["area"] = scope_id
    elif scope_kind == "department":
        query["department"] = scope_id
    return f"{reverse('dashboards:drill')}?{urlencode(query)}"


def segments(dash) -> dict[str, list[tuple[str, str | None]]]:
    """Every marker's text and link for a dashboard: `{code: [(text, url or None), …]}`."""
    f, c, y, m = dash.figures, dash.counts, dash.year, dash.month

    def link(code, **extra):
        return _drill(dash.scope_kind, dash.scope_id, y, m, code, **extra)

    planned, structure = link("planned"), dash.structure
    gap = f.vs_time_progress_pp
    yoy = dash.yoy[2]
    label, met = dash.slogan
    seg: dict[str, list] = {
        "scope": [(dash.scope_name, None)],
        "year": [(str(y), None)],
        "month": [(str(m), None)],
        "planned_count": [(str(c.planned), planned)],
        "planned_total_yi": [(_num(measures.to_yi(c.planned_total)), planned)],
        "plan_yi": [(_num(measures.to_yi(f.annual_plan)), planned)],
        "ytd_yi": [(_num(measures.to_yi(f.ytd_completed)), planned)],
        "completion_rate": [(_num(f.completion_rate), planned)],
        "gap_word": [("超过" if gap is not None and gap >= 0 else "低于", None)],
        "gap_points": [(_num(None if gap is None else abs(gap)), planned)],
        "yoy_word": [("下降" if yoy is not None and yoy < 0 else "增长", None)],
        "yoy_points": [(_num(None if yoy is None else abs(yoy)), planned)],
        "start_rate": [(_num(c.start_rate), link("started"))],
        "resume_rate": [(_num(c.resume_rate), link("resumed"))],
        "start_resume": [(str(c.start_resume_count), link("started_or_resumed"))],
        "start_resume_rate": [(_num(c.start_resume_rate), link("started_or_resumed"))],
        "industrial_share": [
            (_num(structure.get("is_industrial") and structure["is_industrial"].share), link("is_industrial"))
        ],
        "private_share": [
            (_num(structure.get("is_private") and structure["is_private"].share), link("is_private"))
        ],
        "reserve_conversion": [(_num(c.reserve_conversion), link("reserve_converted"))],
        "slogan": [(label, None)],
        "slogan_word": [(DASH if met is None else "已实现" if met else "尚未实现", None)],
    }
    for code in (
        "new_planned",
        "started",
        "started_early",
        "not_started_on_plan",
        "continuing",
        "resumed",
        "completion_planned",
        "completed",
        "reserve_at_start",
        "reserve_converted",
    ):
        seg[code] = [(str(getattr(c, code)), link(code))]
    lines: list = []
    for i, g in enumerate(dash.by_area):
        if i:
            lines.append(("；", None))
        lines.append((f"{g.name}完成投资", None))
        lines.append(
            (_num(measures.to_yi(g.figures.ytd_completed)), _drill("area", g.org_id, y, m, "planned"))
        )
        lines.append(("亿元，完成率", None))
        lines.append((f"{_num(g.figures.completion_rate)}%", _drill("area", g.org_id, y, m, "planned")))
    seg["area_lines"] = lines or [(DASH, None)]
    for code, entries in (("fast_names", dash.fast), ("slow_names", dash.slow)):
        names: list = []
        for i, e in enumerate(entries):
            if i:
                names.append(("、", None))
            label = e.name if e.name.startswith(e.area) else f"{e.area}{e.name}"
            names.append((label, reverse("projects:project_detail", args=[e.project_id])))
        seg[code] = names or [("无", None)]
    return seg


def frozen(seg: dict) -> dict:
    """JSON form of `segments` (kept on a published bulletin)."""
    return {code: [[text, url] for text, url in parts] for code, parts in seg.items()}


def render_html(body: str, seg: dict) -> list[str]:
    """Paragraphs of HTML: the prose escaped, each marker a link (`data-figure` names it)."""
    paragraphs = []
    for para in body.splitlines():
        if not para.strip():
            continue
        out, pos = [], 0
        for match in MARKER.finditer(para):
            out.append(escape(para[pos : match.start()]))
            code = match.group(1)
            parts = seg.get(code)
            if parts is None:
                out.append(format_html('<mark title="未知数据标记">[[{}]]</mark>', code))
            else:
                for text, url in parts:
                    if url:
                        out.append(
                            format_html(
                                '<a class="bulletin-figure" data-figure="{}" href="{}">{}</a>',
                                code,
                                url,
                                text,
                            )
                        )
                    else:
                        out.append(format_html('<span data-figure="{}">{}</span>', code, text))
            pos = match.end()
        out.append(escape(para[pos:]))
        paragraphs.append("".join(str(o) for o in out))
    return paragraphs


def render_text(body: str, seg: dict) -> list[str]:
    """Paragraphs of plain text (Word and Excel exports)."""

    def replace(match):
        parts = seg.get(match.group(1))
        return match.group(0) if parts is None else "".join(text for text, _url in parts)

    return [MARKER.sub(replace, para) for para in body.splitlines() if para.strip()]


def unknown_markers(body: str) -> list[str]:
    return sorted({code for code in MARKER.findall(body) if code not in MARKERS})
