"""Pages of the dashboards app: each role's start page, the city/area/department dashboards, the
projects behind a figure, the 赛马 ranking, the key-project map, bulletins and targets. Thin:
parse input → selector/service → respond.

The views are a package (STYLE: past ~500 lines): `start`, `dashboards`, `race`, `key_map`, `bulletins`,
`targets`; every view is exported here for the URLs.
"""

from .bulletins import (
    bulletin_create_view,
    bulletin_detail,
    bulletin_docx_view,
    bulletin_edit,
    bulletin_list,
    bulletin_publish_view,
    bulletin_templates,
    bulletin_xlsx_view,
)
from .dashboards import (
    area,
    city,
    department,
    drill,
)
from .key_map import (
    key_map,
)
from .race import (
    ranking,
    ranking_publish_view,
    scheme_edit,
)
from .start import (
    home,
)
from .targets import (
    target_edit,
    target_list,
    target_upload,
)

__all__ = [
    "home",
    "city",
    "area",
    "department",
    "drill",
    "ranking",
    "ranking_publish_view",
    "scheme_edit",
    "key_map",
    "bulletin_list",
    "bulletin_create_view",
    "bulletin_detail",
    "bulletin_edit",
    "bulletin_publish_view",
    "bulletin_docx_view",
    "bulletin_xlsx_view",
    "bulletin_templates",
    "target_list",
    "target_edit",
    "target_upload",
]
