"""Every read of 入库纳统, scoped to the user (`accounts.scoping`); figures from `reporting.measures`.

The screening is answered by the database: the bureau's rules are conditions there
(`inclusion.conditions`), so the counts by county, department and status are one grouped query, and
the chosen list is filtered, ordered and paged in SQL (`ScreeningList`). Only the rows a page shows
(or an export writes, 2,000 at a time) are checked in words (`inclusion.rules`). A fixed number of
queries whatever the number of projects; tests hold it to the former all-in-Python screening
(tests/inclusion/test_screening_sql.py).

The selectors are a package (STYLE: past ~500 lines): `population` (rules in force), `screening`,
`detail` (one project), `directory`, `exports`, `recipients`, `race` (the 赛马 indicator); every name
is exported here.
"""

from .detail import (
    InclusionDetail,
    dossier_inclusion,
    evidence_get_for_user,
    inclusion_detail,
    project_facts,
    project_for_user,
)
from .directory import (
    directory_list,
    directory_unmatched,
    upload_get_for_user,
    uploads_for_user,
)
from .exports import (
    area_name,
    export_job_for_user,
    scoped_projects,
    scoped_units,
)
from .population import (
    WORKED_ON,
    active_rules,
    eligibility_q,
    evidence_kinds,
    population,
    rule_list,
)
from .race import (
    INCLUSION_SETS,
    inclusion_counts_by,
    inclusion_set,
)
from .recipients import (
    evidence_request_recipients,
)
from .screening import (
    LIST_STATUSES,
    NARROWING_FILTERS,
    ROW_FIELDS,
    AreaCount,
    Screening,
    ScreeningList,
    ScreeningRow,
    attach_figures,
    screened,
    screening,
    screening_list,
)

__all__ = [
    "WORKED_ON",
    "active_rules",
    "rule_list",
    "evidence_kinds",
    "eligibility_q",
    "population",
    "ScreeningRow",
    "AreaCount",
    "Screening",
    "LIST_STATUSES",
    "NARROWING_FILTERS",
    "ROW_FIELDS",
    "screened",
    "ScreeningList",
    "screening_list",
    "screening",
    "attach_figures",
    "InclusionDetail",
    "project_for_user",
    "project_facts",
    "inclusion_detail",
    "dossier_inclusion",
    "evidence_get_for_user",
    "directory_list",
    "directory_unmatched",
    "upload_get_for_user",
    "uploads_for_user",
    "export_job_for_user",
    "area_name",
    "scoped_projects",
    "scoped_units",
    "evidence_request_recipients",
    "INCLUSION_SETS",
    "inclusion_counts_by",
    "inclusion_set",
]
