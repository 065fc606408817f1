"""Every write of 入库纳统: permission, one transaction, the record's history and the audit log.

- `inclusion_move` moves one project through 待申报 → 已申报 → 已入库 / 退回; `inclusion_bulk` does it
  for a selection, project by project, and says which were skipped and why;
- `evidence_add` keeps a checked document; `evidence_request` asks the units for missing ones;
- `rule_update` changes a condition; `directory_import_preview` / `directory_import_commit` read the
  bureau's 名录库 extract and write it all or nothing.

The services are a package (STYLE: past ~500 lines): `base`, `moves`, `evidence`, `rule_edits`,
`directory`, `status_import`, `exports`; every name is exported here.
"""

from .base import (
    STATUS_LABEL,
    InclusionError,
)
from .directory import (
    CODE_HEADERS,
    DIVISION_HEADERS,
    HEADER_SCAN_ROWS,
    NAME_HEADERS,
    UploadNotReady,
    directory_import_commit,
    directory_import_preview,
    parse_directory,
    read_table,
)
from .evidence import (
    FORMAT_LABEL,
    MAX_PIXELS,
    PDF_MAGIC,
    check_evidence,
    detect_format,
    evidence_add,
    evidence_request,
)
from .exports import (
    export_job_run,
    export_job_start,
)
from .moves import (
    BulkResult,
    inclusion_bulk,
    inclusion_move,
)
from .rule_edits import (
    rule_update,
)
from .status_import import (
    STATUS_WORDS,
    parse_status_list,
    status_import_commit,
    status_import_preview,
)

__all__ = [
    "InclusionError",
    "STATUS_LABEL",
    "inclusion_move",
    "BulkResult",
    "inclusion_bulk",
    "PDF_MAGIC",
    "MAX_PIXELS",
    "FORMAT_LABEL",
    "detect_format",
    "check_evidence",
    "evidence_add",
    "evidence_request",
    "rule_update",
    "CODE_HEADERS",
    "NAME_HEADERS",
    "DIVISION_HEADERS",
    "HEADER_SCAN_ROWS",
    "read_table",
    "parse_directory",
    "directory_import_preview",
    "UploadNotReady",
    "directory_import_commit",
    "STATUS_WORDS",
    "parse_status_list",
    "status_import_preview",
    "status_import_commit",
    "export_job_start",
    "export_job_run",
]
