"""Reads behind the monthly-progress pages: the grid, the review list, the office overview.

Every function runs a fixed number of queries whatever the number of projects (the grid of a
unit with 500 projects is one page), and reads only what `accounts.scoping` lets the user see.

The reads are a package (STYLE: past ~500 lines): `units` (periods, the units a user reports
for), `grid`, `review`, `office` (every unit's reporting state), `start` (each role's to-do list),
`dossier` (a project's months); every name is exported here.
"""

from .dossier import (
    DOSSIER_MONTHS,
    dossier_progress,
)
from .grid import (
    GRID_REPORT_VALUES,
    IDS_INLINE_LIMIT,
    NOTHING_BEFORE,
    Grid,
    GridReport,
    GridRow,
    grid_for,
    grid_leftovers,
    report_history,
)
from .office import (
    OfficeOverview,
    UnitProgress,
    UnitState,
    office_overview,
    unit_states,
)
from .review import (
    REVIEW_FIELD_LABELS,
    ReviewRow,
    review_rows,
    submitted_reports,
)
from .start import (
    EntryTodo,
    entry_todo,
    start_page_tasks,
)
from .units import (
    default_period,
    due_date,
    parse_period,
    period_choices,
    reporting_units_for_user,
    unit_for_user,
)

__all__ = [
    "default_period",
    "due_date",
    "parse_period",
    "period_choices",
    "reporting_units_for_user",
    "unit_for_user",
    "GridRow",
    "IDS_INLINE_LIMIT",
    "Grid",
    "GridReport",
    "GRID_REPORT_VALUES",
    "NOTHING_BEFORE",
    "grid_for",
    "grid_leftovers",
    "report_history",
    "ReviewRow",
    "REVIEW_FIELD_LABELS",
    "review_rows",
    "submitted_reports",
    "UnitState",
    "UnitProgress",
    "OfficeOverview",
    "office_overview",
    "unit_states",
    "EntryTodo",
    "start_page_tasks",
    "entry_todo",
    "DOSSIER_MONTHS",
    "dossier_progress",
]
