"""What every load shares: the counts it reports, progress, and the create-or-update step."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

from .files import Row

Report = Callable[[str, int], None]
BATCH_SIZE = 2000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class Summary:
    scope: str
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "counts": {name: c.as_dict() for name, c in self.counts.items()},
            "notes": self.notes,
        }


def no_report(label: str, done: int) -> None:
    """The default progress callback: report nothing."""


def counted(rows: Iterable[Row], label: str, report: Report) -> Iterator[Row]:
    """Pass rows through, reporting progress every 5,000 rows and at the end."""
    done = 0
    for done, row in enumerate(rows, start=1):
        if done % 5000 == 0:
            report(label, done)
        yield row
    report(label, done)


def upsert(
    model: type[models.Model],
    key: str,
    wanted: dict[Any, dict[str, Any]],
    counts: Counts,
    *,
    create_only: frozenset[str] = frozenset(),
) -> dict[Any, models.Model]:
    """Create or update `model` rows so that each key in `wanted` has those field values.

    Fields in `create_only` are set when a row is created and left alone afterwards (they may
    have been corrected by an admin). Returns every wanted row, keyed like `wanted`.
    """
    manager = model._default_manager
    existing = manager.in_bulk(list(wanted), field_name=key) if wanted else {}
    to_create, to_update, fields_changed = [], [], set()
    for k, values in wanted.items():
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**{key: k}, **values))
            continue
        changed = [
            name for name, value in values.items() if name not in create_only and getattr(obj, name) != value
        ]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            to_update.append(obj)
            fields_changed.update(changed)
        else:
            counts.unchanged += 1
    if to_create:
        manager.bulk_create(to_create, batch_size=BATCH_SIZE)
        counts.created += len(to_create)
        existing = manager.in_bulk(list(wanted), field_name=key)
    if to_update:
        manager.bulk_update(to_update, sorted(fields_changed), batch_size=BATCH_SIZE)
        counts.updated += len(to_update)
    return existing


def batches[T](items: list[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT plain rows (field attname -> value) without building model instances.

    For `--all` (270,000 programs) bulk_create spends most of its time constructing and
    compiling model instances; executemany of plain tuples (COPY on PostgreSQL) is several times
    faster. Fields a row leaves out get the field's default, and auto_now fields the current
    time, as save() would. Values must be plain (str, int, bool, None, or a choices member).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {}
    for f in fields:
        auto_now = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults[f.attname] = f.get_db_prep_save(now if auto_now else f.get_default(), connection)
    quote = connection.ops.quote_name
    # Table and column names come from the model's own metadata, quoted; values are parameters.
    table = f"{quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command instead of one INSERT per row.
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(_plain(row[n]) if n in row else defaults[n] for n in defaults))
            return
        sql = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        for batch in batches(rows):
            values = [tuple(_plain(row[n]) if n in row else defaults[n] for n in defaults) for row in batch]
            cursor.executemany(sql, values)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or type(value) in (str, int, bool):
        return value
    raise TypeError(f"insert_rows takes plain values, not {type(value).__name__}")
