"""A project's stage over time, read from its `StageChange` rows (DOMAIN §3: who owes a report).

Each row carries the date its stage took effect (`effective_date`) and the date another row took
over (`ended_on`). The stage on a day D is the stage of the row recorded last among the rows that
had taken effect by D; so a start entered late with its real (earlier) date counts from that date,
and a suspension, completion or correction recorded today never changes a past month.
`stage_history_relink` keeps `ended_on` right; every service that adds a row calls it.

The day a stage ends still counts in it: a project completed or suspended on 1 October was in
construction that day and owes October (as a completion date within a month always did).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .choices import STAGE_ORDER, STAGE_REQUIRED_DATE, Stage
from .models import Project, StageChange
from .periods import month_end, month_start

ONE_DAY = dt.timedelta(days=1)


def governing_ends(rows: list[tuple]) -> dict:
    """`ended_on` per row from `(key, at, effective_date)` tuples (see the module docstring): the
    first later-recorded row taking effect after it; a row that never governs (a later-recorded
    row took effect on or before its own date) ends the day before it starts."""
    ordered = sorted(rows, key=lambda r: (r[1], r[0]))
    result: dict = {}
    for i, (key, _at, effective) in enumerate(ordered):
        later = [r[2] for r in ordered[i + 1 :]]
        if any(day <= effective for day in later):
            result[key] = effective - ONE_DAY
        else:
            result[key] = min(later, default=None)
    return result


def stage_history_relink(project_ids) -> None:
    """Recompute `ended_on` of every history row of these projects (a handful of rows each)."""
    rows_by_project: dict[int, list[StageChange]] = defaultdict(list)
    for row in StageChange.objects.filter(project_id__in=list(project_ids)).only(
        "id", "project_id", "at", "effective_date", "ended_on"
    ):
        rows_by_project[row.project_id].append(row)
    changed = []
    for rows in rows_by_project.values():
        ends = governing_ends([(r.id, r.at, r.effective_date) for r in rows])
        for row in rows:
            if row.ended_on != ends[row.id]:
                row.ended_on = ends[row.id]
                changed.append(row)
    if changed:
        StageChange.objects.bulk_update(changed, ["ended_on"], batch_size=1000)


def in_construction_q(first: dt.date, last: dt.date, outer: str = "pk") -> Exists:
    """True for a project in construction at any time between `first` and `last` (both included)."""
    rows = StageChange.objects.filter(
        project=OuterRef(outer), to_stage=Stage.CONSTRUCTION, effective_date__lte=last
    ).filter(Q(ended_on__isnull=True) | (Q(ended_on__gte=first) & Q(ended_on__gte=F("effective_date"))))
    return Exists(rows)


def owes_report_q(year: int, month: int) -> Q:
    """Projects that owe a report for `year`/`month`: in construction at any time in the month per
    their stage history, or started in it."""
    first, last = month_start(year, month), month_end(year, month)
    return Q(in_construction_q(first, last)) | Q(actual_start__gte=first, actual_start__lte=last)


def initial_history(
    project: Project, *, actor, reason: str, at: dt.datetime | None = None
) -> list[StageChange]:
    """The history rows of a project entered in its current stage (form or ledger): the path it
    must have taken, each step dated by the project's own dates, so a project entered today as
    在建 since March owes March onwards. Unsaved rows, in order."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    stage = project.stage
    # The dated stages this one comes through; a suspended or cancelled project may have started
    # and even been completed, never put in operation.
    if stage in STAGE_ORDER:
        passed = STAGE_ORDER[: STAGE_ORDER.index(stage) + 1]
    else:
        passed = [Stage.CONSTRUCTION, Stage.COMPLETED]
    steps: list[tuple[str, dt.date]] = []
    for dated, (field, _label) in STAGE_REQUIRED_DATE.items():  # 在建, 竣工, 投产 in order
        day = getattr(project, field)
        if dated not in passed or not day:
            break
        steps.append((dated, day))
    if not steps or steps[-1][0] != stage:
        steps.append((stage, max(today, steps[-1][1]) if steps else today))
    rows = []
    previous = ""
    for i, (to, day) in enumerate(steps):
        rows.append(
            StageChange(
                project=project,
                from_stage=previous,
                to_stage=to,
                actor=actor,
                at=at + dt.timedelta(microseconds=i),
                reason=reason,
                effective_date=day,
            )
        )
        previous = to
    return rows
