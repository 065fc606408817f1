"""Input of the monthly-progress pages: the grid's POST, the return and correction forms, uploads.

The grid has one row per project (up to ~500), far too many for a formset: its inputs are named
`r-<project id>-<field>` and read here into `ReportRow`s. The rules themselves (no negative amounts,
形象进度 with an amount, …) live in the service so every entry path gives the same Chinese messages.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.parsing import CellError, parse_date

from .selectors.pages import Grid
from .services import ReportRow

ROW_FIELDS = ("invested", "image_progress", "percent_complete", "problems", "explanation", "actual_start")


def _blank_to_none(value: str):
    value = (value or "").strip()
    return value or None


def grid_post_data(post) -> dict:
    """The grid's row fields: packed by the page's script into one JSON field `rows_json` (a unit may
    send thousands of cells, beyond Django's cap on form fields), or posted plainly without script."""
    packed = post.get("rows_json")
    if not packed:
        return post
    try:
        data = json.loads(packed)
    except ValueError:
        raise SuspiciousOperation("rows_json is not valid JSON") from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise SuspiciousOperation("rows_json must map field names to text")
    return data


def grid_rows_from_post(data, grid: Grid) -> tuple[list[ReportRow], dict[int, dict], dict[int, dict]]:
    """`(rows, posted, errors)` for the grid rows present in the POST.

    `posted` keeps what the user typed (project id → field → text) so an error page shows it again;
    `errors` holds what cannot even reach the service (a date no one could read). Amounts go to the
    service as typed: it reads them with the same parser as every other entry path.
    """
    rows: list[ReportRow] = []
    posted: dict[int, dict] = {}
    errors: dict[int, dict] = {}
    for row in grid.rows:
        prefix = f"r-{row.project_id}-"
        if prefix + "version" not in data or not row.editable:
            continue  # not sent (unchanged rows are left out by the page's script) or read-only
        values = {name: data.get(prefix + name, "") for name in ROW_FIELDS}
        posted[row.project_id] = values
        try:
            actual_start = parse_date(values["actual_start"]) if row.is_prework else None
        except CellError as exc:
            errors[row.project_id] = {"actual_start": [gettext("实际开工日期：%(error)s") % {"error": exc}]}
            actual_start = None
        version = (data.get(prefix + "version") or "").strip()
        rows.append(
            ReportRow(
                project_id=row.project_id,
                # The service parses the text and answers in Chinese when it is not a number.
                invested=_blank_to_none(values["invested"]),
                image_progress=values["image_progress"],
                percent_complete=_blank_to_none(values["percent_complete"]),
                problems=values["problems"],
                explanation=values["explanation"],
                version=int(version) if version.isdigit() else None,
                actual_start=actual_start,
            )
        )
    return rows, posted, errors


class ReturnForm(forms.Form):
    report_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("退回原因"),
        max_length=500,
        required=True,
        error_messages={"required": _("退回须填写原因。")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectionForm(forms.Form):
    invested = forms.CharField(label=_("本月完成投资（万元）"), required=False)
    image_progress = forms.CharField(
        label=_("形象进度"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    percent_complete = forms.CharField(label=_("完成比例（%）"), required=False)
    problems = forms.CharField(label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(label=_("超出说明"), required=False, max_length=500)
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=500,
        error_messages={"required": _("更正须填写原因。")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def report_row(self, project_id: int) -> ReportRow:
        d = self.cleaned_data
        return ReportRow(
            project_id=project_id,
            invested=_blank_to_none(d["invested"]),
            image_progress=d["image_progress"],
            percent_complete=_blank_to_none(d["percent_complete"]),
            problems=d["problems"],
            explanation=d["explanation"],
            version=d["version"],
        )


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("现场照片（JPEG/PNG）"), error_messages={"required": _("请选择照片。")})
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class GridUploadForm(forms.Form):
    file = forms.FileField(
        label=_("填好的月度填报表（.xlsx）"),
        allow_empty_file=True,  # the safety gate answers an empty file with its own message
        error_messages={"required": _("请选择要上传的 Excel 文件。")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext("文件过大（%(size).1f MB），上限为 %(limit).0f MB。")
                % {"size": upload.size / 1024 / 1024, "limit": settings.IMPORT_MAX_BYTES / 1024 / 1024}
            )
        return upload
