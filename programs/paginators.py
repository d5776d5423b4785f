"""Admin pagination that stays fast on the national catalog (about 287,000 programs).

A changelist counts its rows to number its pages. COUNT(*) of a whole PostgreSQL table reads
every row; for an unfiltered list of a big table the planner's own estimate (pg_class.reltuples,
kept current by autovacuum and ANALYZE) is just as good for numbering pages and costs nothing.
Filtered lists, small tables and SQLite (where a count of the 4,725-program catalog is quick)
count exactly. Use it together with `show_full_result_count = False`, which skips the second
count of the whole table that the admin makes for "N of M selected".
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

# Below this many rows an exact count is cheap enough.
ESTIMATE_ABOVE = 50_000


def is_unfiltered(queryset: QuerySet) -> bool:
    """Whether the queryset is every row of its table (joins and ordering aside)."""
    query = queryset.query
    return not (
        query.where
        or query.distinct
        or query.combinator
        or query.low_mark
        or query.high_mark is not None
        or query.extra
    )


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the table's rows, when it has one; None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(queryset.model._meta.db_table)],
        )
        row = cursor.fetchone()
    # -1 means never analyzed (PostgreSQL 14+); 0 may be a table not analyzed since it filled up.
    return int(row[0]) if row and row[0] is not None and row[0] > 0 else None


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered list of a big PostgreSQL table from the planner's estimate."""

    estimate_above = ESTIMATE_ABOVE

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet) and is_unfiltered(self.object_list):
            estimate = estimated_rows(self.object_list)
            if estimate is not None and estimate >= self.estimate_above:
                return estimate
        return super().count
