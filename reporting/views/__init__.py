"""Pages of monthly progress (月度进展): the unit's grid, review, the office overview, one report,
corrections, photos and the Excel round trip. Thin: parse input → selector/service → respond.

Site photos are served through the portal, never from a public media URL: only users who may
see the report's project get the file (out of scope → 404, like every other detail).

The views are a package (STYLE: past ~500 lines): `common`, `grid`, `review`, `office`, `report`,
`excel`; every view is exported here for the URLs.
"""

from .excel import (
    dossier_progress_section,
    report_export,
    report_import,
    report_import_commit,
    report_import_preview,
    report_photo_file,
)
from .grid import (
    report_grid,
)
from .office import (
    report_office,
)
from .report import (
    report_correct_view,
    report_detail,
    report_photo_upload,
)
from .review import (
    report_review,
)

__all__ = [
    "report_grid",
    "report_review",
    "report_office",
    "report_detail",
    "report_photo_upload",
    "report_correct_view",
    "report_export",
    "report_import",
    "report_import_preview",
    "report_import_commit",
    "report_photo_file",
    "dossier_progress_section",
]
