"""The one audit mechanism: every service records its changes here, bulk paths included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditLog


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """Field values of `instance` in a JSON-safe form (FKs as their display string)."""
    result = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in ("id", "created_at", "updated_at", "version", "path"):
            continue
        if f.is_relation:
            related = getattr(instance, f.name)
            result[f.name] = str(related) if related is not None else None
        else:
            result[f.name] = _jsonable(getattr(instance, f.attname))
    return result


def diff(before: dict, after: dict) -> dict:
    """`{field: [before, after]}` for fields whose value changed."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def root_key_for(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


@dataclass
class Entry:
    action: str
    instance: models.Model
    changes: dict = field(default_factory=dict)
    root: models.Model | None = None
    message: str = ""


def _build(actor, entry: Entry, batch: str) -> AuditLog:
    root = entry.root if entry.root is not None else entry.instance
    return AuditLog(
        actor=actor if getattr(actor, "pk", None) else None,
        action=entry.action,
        content_type=ContentType.objects.get_for_model(entry.instance, for_concrete_model=True),
        object_id=str(entry.instance.pk),
        object_repr=str(entry.instance)[:255],
        root_key=root_key_for(root),
        changes=entry.changes,
        message=entry.message[:500],
        batch=batch,
    )


def record(
    *,
    actor,
    action: str,
    instance: models.Model,
    changes: dict | None = None,
    root: models.Model | None = None,
    message: str = "",
    batch: str = "",
) -> AuditLog:
    log = _build(actor, Entry(action, instance, changes or {}, root, message), batch)
    log.save()
    return log


def record_many(*, actor, entries: list[Entry], batch: str = "") -> int:
    """Audit a bulk path (imports, grid saves) with one INSERT per 1,000 rows."""
    rows = [_build(actor, e, batch) for e in entries]
    AuditLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def history_for(instance: models.Model):
    """Every recorded change of `instance` and its parts, newest first."""
    return AuditLog.objects.filter(root_key=root_key_for(instance)).select_related("actor", "content_type")
