"""Fast inserts for the demo's hundreds of thousands of rows.

`bulk_create` spends most of its time building model instances and compiling SQL value by value.
Here rows are plain namespaces (`row`), and go in with COPY on PostgreSQL or multi-row
`INSERT … VALUES (…), (…), …` elsewhere. Primary keys are not returned: callers that need them
read them back by a natural key.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from itertools import islice
from types import SimpleNamespace

from django.db import connection, models

# SQLite allows 32,766 bound parameters per statement (3.32+); stay well below.
MAX_PARAMS = 20_000
MAX_ROWS = 1_000


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert_instances(model: type[models.Model], objects: Sequence[models.Model]) -> int:
    """Insert `objects` (unsaved, pk left to the database) and return how many went in."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    attnames = [f.attname for f in fields]
    adapters = [_adapter(f) for f in fields]
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(MAX_ROWS, MAX_PARAMS // len(fields)))
    if connection.vendor == "postgresql":
        return _copy(model, fields, objects)
    iterator = iter(objects)
    count = 0
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, per_statement)):
            params = []
            for obj in chunk:
                for attname, adapt in zip(attnames, adapters, strict=True):
                    value = getattr(obj, attname)
                    params.append(adapt(value) if adapt is not None and value is not None else value)
            cursor.execute(head + ", ".join([row_sql] * len(chunk)), params)
            count += len(chunk)
    return count


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date):  # datetimes keep their zone: PostgreSQL reads the offset
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    return str(value).translate(_COPY_ESCAPES)


def _copy(model, fields, objects) -> int:
    """PostgreSQL: COPY … FROM STDIN, about twice as fast as INSERTs (see PERFORMANCE.md)."""
    qn = connection.ops.quote_name
    attnames = [f.attname for f in fields]
    buffer = io.StringIO()
    count = 0
    for obj in objects:
        buffer.write("\t".join(_copy_text(getattr(obj, a)) for a in attnames))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    columns = ", ".join(qn(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN", buffer)
    return count


_ROW_SPECS: dict[type[models.Model], tuple[dict, list]] = {}


def row(model: type[models.Model], **values) -> SimpleNamespace:
    """A lightweight stand-in for `model(**values)` that `insert_instances` accepts.

    Takes attnames (`project_id`, not `project`), fills the model's defaults, and skips Django's
    per-instance machinery, which costs more than the INSERT itself at a few hundred thousand rows.
    Extra keywords (not fields) are kept as plain attributes for the caller's bookkeeping.
    """
    spec = _ROW_SPECS.get(model)
    if spec is None:
        static, dynamic = {}, []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            if f.has_default() and callable(f.default):
                dynamic.append(f)
            else:
                static[f.attname] = f.get_default()
        spec = _ROW_SPECS[model] = (static, dynamic)
    static, dynamic = spec
    data = dict(static)
    for f in dynamic:
        if f.attname not in values:
            data[f.attname] = f.get_default()
    data.update(values)
    return SimpleNamespace(**data)
