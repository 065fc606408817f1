"""The one way a project changes stage (DOMAIN §2)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.choices import AuditAction

from .. import permissions
from ..choices import STAGE_ORDER, STAGE_REQUIRED_DATE, Stage
from ..exceptions import TransitionError
from ..history import stage_history_relink
from ..models import Project, StageChange
from .projects import _check_in_scope


def _is_step_forward(current: str, target: str) -> bool:
    if current in STAGE_ORDER and target in STAGE_ORDER:
        return STAGE_ORDER.index(target) == STAGE_ORDER.index(current) + 1
    return False


def _through(current: str, target: str) -> list[str]:
    """The stages a move enters, in order: every stage up to the target on a skip forward along the
    main line, else the target alone."""
    if current in STAGE_ORDER and target in STAGE_ORDER:
        here, there = STAGE_ORDER.index(current), STAGE_ORDER.index(target)
        if there > here:
            return STAGE_ORDER[here + 1 : there + 1]
    return [target]


def _missing_skipped_date(project: Project, target: str) -> bool:
    """A skip forward whose skipped stages lack their dates on the record (the move's form asks only
    for the target's date)."""
    return any(
        stage in STAGE_REQUIRED_DATE and not getattr(project, STAGE_REQUIRED_DATE[stage][0])
        for stage in _through(project.stage, target)[:-1]
    )


def allowed_transitions(user, project: Project) -> list[tuple[str, str, bool]]:
    """`(stage, label, needs_office)` the user may pick for `project`, for the stage-action menu."""
    if not permissions.can_transition_project(user, project):
        return []
    office = permissions.can_force_transition(user)
    result = []
    for stage in Stage:
        if stage == project.stage:
            continue
        ordinary = (
            _is_step_forward(project.stage, stage)
            or stage in (Stage.SUSPENDED, Stage.CANCELLED)
            and project.stage != Stage.CANCELLED
            or project.stage == Stage.SUSPENDED
            and stage == project.stage_before_suspension
        )
        if (ordinary or office) and not _missing_skipped_date(project, stage):
            result.append((stage.value, stage.label, not ordinary))
    return result


def _check_stage_date(project: Project, stage: str, target: str, today: dt.date) -> None:
    """The date `stage` needs is on the record and not in the future (named for the move to `target`)."""
    field, label = STAGE_REQUIRED_DATE[stage]
    value = getattr(project, field)
    if not value:
        skipped = "" if stage == target else "（跨阶段变更也须有此日期，请先在项目编辑页填写）"
        raise TransitionError(f"变更为“{Stage(target).label}”须填写{label}{skipped}。")
    if value > today:
        raise TransitionError(f"{label}不能晚于今天。")


@transaction.atomic
def project_transition(
    *, actor, project: Project, to: str, reason: str = "", effective_date: dt.date | None = None
) -> Project:
    """Move `project` to stage `to`, enforcing the guards and writing a history row.

    `effective_date` fills the date the target stage needs (actual start / completion / operation)
    when the project does not carry it yet. Already in `to`: nothing happens.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    _check_in_scope(actor, locked)
    if not permissions.can_transition_project(actor, locked):
        raise PermissionDenied("您没有变更项目阶段的权限。")
    try:
        target = Stage(to)
    except ValueError:
        raise TransitionError(f"未知的项目阶段：{to}") from None
    current = locked.stage
    if current == target:
        return locked
    reason = (reason or "").strip()

    if target in (Stage.SUSPENDED, Stage.CANCELLED):
        if current == Stage.CANCELLED and not permissions.can_force_transition(actor):
            raise TransitionError("项目已终止，只有专班办公室可以调整。")
        if not reason:
            raise TransitionError(f"{target.label}项目须填写原因。")
    else:
        resuming = current == Stage.SUSPENDED and target == locked.stage_before_suspension
        ordinary = _is_step_forward(current, target) or resuming
        if not ordinary:
            if not permissions.can_force_transition(actor):
                raise TransitionError(
                    f"项目不能从“{Stage(current).label}”直接变更为“{target.label}”：跨阶段或退回须由专班办公室办理。"
                )
            if not reason:
                raise TransitionError("跨阶段或退回阶段须填写原因。")

    before = audit.snapshot(locked)
    today = timezone.localdate()
    required = STAGE_REQUIRED_DATE.get(target)
    if required and effective_date and not getattr(locked, required[0]):
        setattr(locked, required[0], effective_date)
    main_line = current in STAGE_ORDER and target in STAGE_ORDER
    forward = main_line and STAGE_ORDER.index(target) > STAGE_ORDER.index(current)
    # A skip forward still needs the dates of the stages it skips (竣工 needs the start too); a
    # step back drops the dates of the stages it leaves, so the record never contradicts its stage.
    through = _through(current, target)
    for stage in through:
        if stage in STAGE_REQUIRED_DATE:
            _check_stage_date(locked, stage, target, today)
    if main_line and not forward:
        for stage in STAGE_ORDER[STAGE_ORDER.index(target) + 1 :]:
            if stage in STAGE_REQUIRED_DATE:
                setattr(locked, STAGE_REQUIRED_DATE[stage][0], None)
    # (stage, day) rows to record: the skipped dated stages first, each on its own date.
    steps = [
        (stage, getattr(locked, STAGE_REQUIRED_DATE[stage][0]))
        for stage in through[:-1]
        if stage in STAGE_REQUIRED_DATE
    ]
    if target == Stage.SUSPENDED:
        locked.stage_before_suspension = current
    elif current == Stage.SUSPENDED:
        locked.stage_before_suspension = ""
    locked.stage_reason = reason if target in (Stage.SUSPENDED, Stage.CANCELLED) else ""
    locked.stage = target
    locked.full_clean()
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    # Entering a stage along the main line takes effect on the stage's own date; resuming after a
    # suspension or stepping back takes effect today (the past months stay as they were).
    steps.append((target, getattr(locked, required[0]) if required and forward else today))
    now = timezone.now()
    previous = current
    for i, (stage, day) in enumerate(steps):
        StageChange.objects.create(
            project=locked,
            from_stage=previous,
            to_stage=stage,
            actor=actor,
            at=now + dt.timedelta(microseconds=i),
            reason=reason if stage == target else f"{reason}（跨阶段补记）",
            effective_date=day,
        )
        previous = stage
    stage_history_relink([locked.pk])
    audit.record(
        actor=actor,
        action=AuditAction.TRANSITION,
        instance=locked,
        changes=audit.diff(before, audit.snapshot(locked)),
        message=reason,
    )
    return locked
