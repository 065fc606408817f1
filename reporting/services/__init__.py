"""Every write to monthly progress reports (月度进展): save, submit, approve, return, correct.

One grid save (up to a unit's 500 projects), an Excel upload and an API call all go through
`reports_save`, so the same rules and the same Chinese messages apply everywhere. It is
all-or-nothing: one invalid row or one stale `version` and nothing is written.

The number of queries of a save does not grow with the number of rows: the projects, the
existing reports (locked with `select_for_update`) and the completed-before-this-month sums are
loaded in bulk, new reports are inserted with one INSERT, changed ones updated with one upsert,
and the audit rows are written with one INSERT. Only a 前期 project that reports its first
investment costs a few more queries (it is started through the lifecycle service).
"""

from .rows import (
    CONTENT_FIELDS,
    ReportConflict,
    ReportRow,
    ReportRowErrors,
    check_period,
    month_end,
)
from .save import reports_save
from .workflow import (
    report_approve,
    report_correct,
    report_return,
    report_submit,
    reports_approve,
    reports_submit,
)

__all__ = [
    "CONTENT_FIELDS",
    "ReportConflict",
    "ReportRow",
    "ReportRowErrors",
    "check_period",
    "month_end",
    "report_approve",
    "report_correct",
    "report_return",
    "report_submit",
    "reports_approve",
    "reports_save",
    "reports_submit",
]
