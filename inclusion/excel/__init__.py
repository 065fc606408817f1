"""The bureau's Excel reports (DOMAIN §8), all written by one table writer.

Every export is a write-only workbook (flat memory for 20,000 rows) with, on each sheet: a merged
title naming the area and the period, a 单位：万元 line, a frozen header repeated on every printed page,
number formats, a totals row, and landscape printing fitted to the page width. Every text cell goes
through `excel_safe` (the same guard as the monthly grid's workbook), so nothing a user typed can run
as a formula. Figures come from `reporting.measures` on the approved basis, so the totals equal the
dashboards' figures for the same month.

The exports are a package (STYLE: past ~500 lines): `writer` (the one table writer), `screening`,
`included`, `investment`, `progress`; every name is exported here.
"""

from .included import (
    included_workbook,
)
from .investment import (
    investment_columns,
    investment_figures,
    investment_workbook,
)
from .progress import (
    PROGRESS_COLUMNS_BASE,
    build_export,
    progress_workbook,
)
from .screening import (
    ID_HEADER,
    LIST_TITLES,
    NUMBER_COLUMN,
    REASON_COLUMN,
    STATUS_COLUMN,
    screening_columns,
    screening_workbook,
)
from .writer import (
    BORDER,
    FIRST_DATA_ROW,
    FORMATS,
    HEADER_FILL,
    SUBTOTAL_FILL,
    TOTAL_FILL,
    XLSX,
    Column,
    Progress,
    TableWriter,
    period_label,
)

__all__ = [
    "XLSX",
    "FORMATS",
    "FIRST_DATA_ROW",
    "BORDER",
    "HEADER_FILL",
    "TOTAL_FILL",
    "SUBTOTAL_FILL",
    "Progress",
    "Column",
    "period_label",
    "TableWriter",
    "STATUS_COLUMN",
    "ID_HEADER",
    "NUMBER_COLUMN",
    "REASON_COLUMN",
    "LIST_TITLES",
    "screening_columns",
    "screening_workbook",
    "included_workbook",
    "investment_columns",
    "investment_figures",
    "investment_workbook",
    "PROGRESS_COLUMNS_BASE",
    "progress_workbook",
    "build_export",
]
