"""Lead export: lead requests as CSV for the sponsors who pay for them, streamed in constant memory.

The columns are declared once (COLUMNS); each carries both ways of producing its cells:
- the ORM path (any database): `values_list(...).iterator(chunk_size=...)`, formatted in Python and
  written with the csv module (QUOTE_MINIMAL, CRLF: RFC 4180);
- the COPY path (PostgreSQL): the same columns as SQL in `COPY (SELECT ...) TO STDOUT (FORMAT csv)`.
  PostgreSQL quotes exactly like the csv module once empty strings are sent as NULL; it ends rows
  with LF, and it sends one CopyData message per row, so each row's final LF becomes CRLF.
Both give the same bytes (tests/leads/test_exports_postgresql.py compares them).

Formula neutralisation (OWASP, ASVS 1.2.10): every cell starting with = + - @ tab CR or NUL gets
a leading apostrophe, then RFC 4180 quoting. Phones are E.164 and start with "+", so every phone
cell reads '+19375123456: Excel shows it as the text +19375123456 (unneutralised, Excel would turn
it into the number 19375123456); software importing the file strips the one leading apostrophe.

Transactions: an export is one transaction that records the LeadExport, marks the requests it
sends (status exported; last_export = this one; export = this one where it is their first),
streams them and stores the row count. On PostgreSQL one COPY statement does the marking and the
streaming: it reads what its UPDATEs return.
If the stream stops part-way (the client went away, an error), it rolls back: nothing is marked
and the attempt is logged on its own as incomplete, with the rows handed to the web server. The
price is a transaction open for the whole download: on PostgreSQL it holds row locks on the
requests being sent (a second export of the same rows waits, then finds them exported); on SQLite
it holds the write lock, so new leads wait for it (SQLite sites have small files).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone
from django.utils.text import slugify

from programs.choices import EducationLevel
from programs.models import CipCode, Institution, Program

from .models import Lead, LeadExport, LeadRequest, Sponsor, Sponsorship

logger = logging.getLogger(__name__)

EXPORT_PERMISSIONS = ("leads.export_leadrequest", "leads.view_lead_personal_data")
BOM = "\ufeff"  # lets Excel read the file as UTF-8 (accents, non-Latin names, emoji)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
CHUNK_SIZE = 64 * 1024  # bytes (characters on the ORM path) handed to the server at a time
ORM_CHUNK_ROWS = 2000

NEW = LeadRequest.Status.NEW
EXPORTED = LeadRequest.Status.EXPORTED
# Billable requests only: duplicates, rejected junk and requests over a campaign's cap are not
# paid for, so they never go out. Local fields only, so PostgreSQL rechecks them on a locked row.
NEVER_SENT = Q(status=NEW, export__isnull=True)
SENT_BEFORE = Q(status=EXPORTED) | Q(status=NEW, export__isnull=False)
# Not a join (lead__contact_revoked_at): a subquery keeps a sponsor's selection on one table.
CONSENT_STANDS = Q(~Exists(Lead.objects.filter(pk=OuterRef("lead_id"), contact_revoked_at__isnull=False)))


def can_export(user: Any) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perms(EXPORT_PERMISSIONS))


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP)."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


# Cell formats (ORM path); each has an SQL twin in COLUMNS that gives the same text. -------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def iso_local(value: datetime.datetime | None) -> str:
    """ISO 8601 with the offset, in the site's time zone: 2026-11-02T09:15:00-05:00."""
    if value is None:
        return ""
    return value.astimezone(timezone.get_default_timezone()).isoformat(timespec="seconds")


def jsonb_text(value: object) -> str:
    """JSON as PostgreSQL writes a jsonb value, so the COPY path can send it as stored (rebuilding
    it compactly in SQL cost half the time of a whole row): object keys shortest first, then by
    their UTF-8 bytes; ", " and ": " between items; non-ASCII text as is. {} is an empty cell."""
    if value is None or value == {}:
        return ""
    return json.dumps(_jsonb_order(value), ensure_ascii=False)


def _jsonb_order(value: object) -> object:
    if isinstance(value, dict):
        order = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: _jsonb_order(value[key]) for key in order}
    if isinstance(value, list):
        return [_jsonb_order(item) for item in value]
    return value


EDUCATION_LABELS = dict(EducationLevel.choices)


def _education(value: int) -> str:
    return EDUCATION_LABELS.get(value, _text(value))


def _delivery(first_export: int, last_export: int) -> str:
    return NEW if first_export == last_export else EXPORTED


def _program_title(name: str, cip_title: str) -> str:
    return name or cip_title.rstrip(".")  # Program.title


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _iso_sql(expr: str) -> str:
    # TZH:TZM is the offset in the session time zone, which the COPY path sets to TIME_ZONE.
    return f"""to_char({expr}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')"""


def _json_sql(expr: str) -> str:
    return f"nullif({expr}::text, '{{}}')"  # an empty object is an empty cell


_EDUCATION_SQL = (
    "CASE l.education_level "
    + " ".join(f"WHEN {value} THEN {_sql_text(label)}" for value, label in EducationLevel.choices)
    + " ELSE l.education_level::text END"
)


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    lookups: tuple[str, ...]  # values_list lookups on LeadRequest, passed to `format`
    sql: str  # the same cell as PostgreSQL text (aliases: see _COPY_FROM)
    format: Callable[..., str] = _text
    # The SQL cell never starts with a formula trigger and is never an empty string (numbers, ISO
    # times, fixed labels, JSON objects, phones given their apostrophe in SQL): the COPY path sends
    # it as is, without the neutralising CASE (which cost about a tenth of the COPY statement).
    plain: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("id", "Lead request ID", ("pk",), "lr.id::text", plain=True),
    Column("created_at", "Created at", ("created_at",), _iso_sql("lr.created_at"), iso_local, plain=True),
    Column(
        "program",
        "Program",
        ("program__name", "program__cip__title"),
        "coalesce(nullif(p.name, ''), rtrim(c.title, '.'))",
        _program_title,
    ),
    Column("institution", "Institution", ("program__institution__name",), "i.name"),
    Column("ipeds_unitid", "IPEDS unit ID", ("program__institution__unitid",), "i.unitid::text", plain=True),
    Column("campaign", "Campaign", ("sponsorship__name",), "s.name"),
    Column("price", "Price (USD)", ("price",), "lr.price::text"),
    Column("first_name", "First name", ("lead__first_name",), "l.first_name"),
    Column("last_name", "Last name", ("lead__last_name",), "l.last_name"),
    Column("email", "Email", ("lead__email",), "l.email"),
    # Always neutralised: the database holds E.164 phones only (CHECK lead_phone_is_us_e164: "+1...").
    Column("phone", "Phone (E.164)", ("lead__phone",), "'''' || l.phone", plain=True),
    Column("zip_code", "ZIP code", ("lead__zip_code",), "l.zip_code"),
    Column("state", "State", ("lead__state",), "l.state"),
    Column(
        "education_level",
        "Education level",
        ("lead__education_level",),
        _EDUCATION_SQL,
        _education,
        plain=True,
    ),
    Column("answers", "Answers (JSON)", ("lead__answers",), _json_sql("l.answers"), jsonb_text, plain=True),
    Column("consent_version", "Consent version", ("lead__consent_version",), "l.consent_version"),
    Column(
        "consented_at",
        "Consented at",
        ("lead__consented_at",),
        _iso_sql("l.consented_at"),
        iso_local,
        plain=True,
    ),
    Column("ip_address", "IP address", ("lead__ip_address",), "host(l.ip_address)", plain=True),
    Column("source_page", "Source page", ("lead__source_page",), "l.source_page"),
    Column("utm", "UTM parameters (JSON)", ("lead__utm",), _json_sql("l.utm"), jsonb_text, plain=True),
    # "new" when this file is the request's first delivery, "exported" when it was sent before.
    Column(
        "status",
        "Status",
        ("export", "last_export"),
        f"CASE WHEN lr.export_id = lr.last_export_id THEN '{NEW}' ELSE '{EXPORTED}' END",
        _delivery,
        plain=True,
    ),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)


def header_bytes(*, bom: bool) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(HEADERS)
    return ((BOM if bom else "") + out.getvalue()).encode()


# Which requests --------------------------------------------------------------------------------


def period_bounds(since: datetime.date, until: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of `since` to the end of `until` (inclusive days) in the site's time zone."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def sponsor_requests(
    *, sponsor: Sponsor, since: datetime.date, until: datetime.date
) -> QuerySet[LeadRequest]:
    """A sponsor's lead requests (through its campaigns) created from `since` to `until`.

    Filters on the lead requests' own columns only (a subquery, no join; see _to_mark)."""
    start, end = period_bounds(since, until)
    campaigns = Sponsorship.objects.filter(sponsor=sponsor).values("pk")
    return LeadRequest.objects.filter(sponsorship__in=campaigns, created_at__gte=start, created_at__lt=end)


@dataclass(frozen=True)
class Counts:
    new: int  # billable, never exported, consent stands: what a default export sends
    sent_before: int  # billable and already exported: what a re-send adds
    revoked: int  # billable but the visitor withdrew consent: never sent
    not_billable: int  # duplicate, rejected or over a cap: never sent

    def to_send(self, *, resend: bool) -> int:
        return self.new + (self.sent_before if resend else 0)


def count_requests(selection: QuerySet[LeadRequest]) -> Counts:
    """How a selection splits, in one query (for previews and --dry-run)."""
    billable = Q(status__in=[NEW, EXPORTED])
    totals = selection.aggregate(
        new=Count("pk", filter=NEVER_SENT & CONSENT_STANDS),
        sent_before=Count("pk", filter=SENT_BEFORE & CONSENT_STANDS),
        revoked=Count("pk", filter=billable & ~CONSENT_STANDS),
        not_billable=Count("pk", filter=~billable),
    )
    return Counts(**totals)


# The export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSpec:
    """What to export and how it is recorded."""

    selection: QuerySet[LeadRequest]
    via: str  # LeadExport.Via
    user: Any = None
    sponsor: Sponsor | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    resend: bool = False  # also send again, on purpose, requests exported before
    filters: dict[str, Any] = field(default_factory=dict)
    bom: bool = True
    use_copy: bool | None = None  # None: COPY on PostgreSQL, the ORM elsewhere

    @property
    def for_period(self) -> bool:
        """A sponsor's export for a period, whose selection is sponsor_requests()."""
        return bool(self.sponsor and self.since and self.until)

    @property
    def copy(self) -> bool:
        return connection.vendor == "postgresql" if self.use_copy is None else self.use_copy


def sponsor_export(
    *,
    sponsor: Sponsor,
    since: datetime.date,
    until: datetime.date,
    via: str,
    user: Any = None,
    resend: bool = False,
    bom: bool = True,
    use_copy: bool | None = None,
) -> ExportSpec:
    return ExportSpec(
        selection=sponsor_requests(sponsor=sponsor, since=since, until=until),
        via=via,
        user=user,
        sponsor=sponsor,
        since=since,
        until=until,
        resend=resend,
        filters={
            "sponsor": sponsor.pk,
            "since": since.isoformat(),
            "until": until.isoformat(),
            "resend": resend,
        },
        bom=bom,
        use_copy=use_copy,
    )


def sponsor_filename(*, sponsor: Sponsor, since: datetime.date, until: datetime.date, resend: bool) -> str:
    """leads-<sponsor>-<since>-to-<until>.csv: nothing personal, safe in any file system."""
    slug = slugify(sponsor.name)[:60].strip("-") or f"sponsor-{sponsor.pk}"
    return f"leads-{slug}-{since.isoformat()}-to-{until.isoformat()}{'-resend' if resend else ''}.csv"


@dataclass
class Outcome:
    """Filled in as the stream runs: the rows handed over, and the logged export."""

    rows: int = 0
    export: LeadExport | None = None
    # The ORM path's marking, before any row; None on the COPY path, which marks as it reads.
    marking_seconds: float | None = None


def stream_export(spec: ExportSpec, outcome: Outcome | None = None) -> Iterator[bytes]:
    """The CSV in chunks of bytes: the header at once, then the rows (see the module docstring)."""
    yield header_bytes(bom=spec.bom)
    outcome = outcome if outcome is not None else Outcome()
    try:
        yield from _export_rows(spec, outcome)
    except BaseException:  # also GeneratorExit: the download was closed part-way
        outcome.export = None
        if outcome.rows:
            outcome.export = _record_incomplete(spec, rows=outcome.rows)
        raise


def _export_rows(spec: ExportSpec, outcome: Outcome) -> Iterator[bytes]:
    with transaction.atomic():
        export = LeadExport.objects.create(**_log_fields(spec))
        if spec.copy:
            chunks = _copy_chunks(_markings(spec, export))  # marks and reads in one statement
        else:
            started = time.perf_counter()
            rows, marked = _mark(spec, export)
            outcome.marking_seconds = time.perf_counter() - started
            chunks = _orm_chunks(rows, marked=marked)
        # Closed before the rollback, while the database cursor it reads still exists.
        with closing(chunks):
            for data, count in chunks:
                outcome.rows += count
                yield data
        export.row_count = outcome.rows
        export.save(update_fields=["row_count"])
    outcome.export = export
    logger.info("Lead export #%s: %s rows (%s).", export.pk, export.row_count, export.via)


def _markings(spec: ExportSpec, export: LeadExport) -> list[tuple[QuerySet[LeadRequest], dict[str, Any]]]:
    """The UPDATEs that mark what goes out in `export`, as (requests, values): the requests never
    sent (this is their first export) and, for a re-send, those sent before (they keep their first
    export; one an admin set back to "new" goes out too). last_export records the export that
    sent each request most recently, which gives its Status cell."""
    deliverable = spec.selection.filter(CONSENT_STANDS)
    sent = {"status": EXPORTED, "last_export": export}
    updates = [(_to_mark(spec, deliverable, NEVER_SENT), {"export": export, **sent})]
    if spec.resend:
        updates.append((_to_mark(spec, deliverable, SENT_BEFORE & ~Q(last_export=export)), sent))
    return updates


def _mark(spec: ExportSpec, export: LeadExport) -> tuple[QuerySet[LeadRequest], int]:
    """Run the markings, then return exactly the requests they marked and how many."""
    marked = sum(requests.update(**values) for requests, values in _markings(spec, export))
    # By the mark, not through the selection, whose filters may name the status just changed.
    # last_export has no index (see LeadRequest.export): a period's export looks within the period.
    scope = spec.selection if spec.for_period else LeadRequest.objects.all()
    return scope.filter(last_export=export), marked


def _to_mark(spec: ExportSpec, deliverable: QuerySet[LeadRequest], condition: Q) -> QuerySet[LeadRequest]:
    # The condition sits on the updated table itself (not only in a subquery), so on PostgreSQL an
    # export that waited for a concurrent one's row locks rechecks it and skips that one's rows.
    if spec.for_period:
        # The selection filters the lead requests' own columns, so Django updates them in place:
        # for a million requests twice as fast as through the subquery of their ids below.
        return deliverable.filter(condition)
    # A changelist selection may join other tables; Django would then move every condition,
    # this one too, into a subquery of ids.
    return LeadRequest.objects.filter(condition, pk__in=deliverable.values("pk"))


def _log_fields(spec: ExportSpec) -> dict[str, Any]:
    start, end = period_bounds(spec.since, spec.until) if spec.since and spec.until else (None, None)
    user = spec.user if spec.user is not None and spec.user.is_authenticated else None
    return {
        "created_by": user,
        "via": spec.via,
        "sponsor": spec.sponsor,
        "since": start,
        "until": end,
        "only_new": not spec.resend,
        "resend": spec.resend,
        "filters": spec.filters,
    }


def _record_incomplete(spec: ExportSpec, *, rows: int) -> LeadExport | None:
    try:
        export = LeadExport.objects.create(**_log_fields(spec), row_count=rows, completed=False)
    except DatabaseError as error:  # the class name only: messages can quote rows
        logger.error("An incomplete lead export could not be logged (%s).", type(error).__name__)
        return None
    logger.warning("Lead export #%s stopped after %s rows; nothing was marked.", export.pk, rows)
    return export


def _orm_chunks(rows: QuerySet[LeadRequest], *, marked: int) -> Iterator[tuple[bytes, int]]:
    lookups: list[str] = []
    plan: list[tuple[Callable[..., str], int, int, bool]] = []
    for column in COLUMNS:
        width = len(column.lookups)
        plan.append((column.format, len(lookups), len(lookups) + width, width == 1))
        lookups.extend(column.lookups)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    count = 0
    records = rows.order_by("created_at", "pk").values_list(*lookups).iterator(chunk_size=ORM_CHUNK_ROWS)
    with _joins_for(marked), closing(records):
        for record in records:
            cells = [fmt(record[a]) if one else fmt(*record[a:b]) for fmt, a, b, one in plan]
            # neutralise(), inlined: this runs for every cell of every row.
            writer.writerow([("'" + cell) if cell[:1] in _TRIGGERS else cell for cell in cells])
            count += 1
            if out.tell() >= CHUNK_SIZE:
                yield out.getvalue().encode(), count
                out.seek(0)
                out.truncate()
                count = 0
    if count:
        yield out.getvalue().encode(), count


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def copy_from() -> str:
    """The tables the SQL of COLUMNS reads, after `sel` (the rows' ids as row_id)."""
    return f"JOIN {_table(LeadRequest)} lr ON lr.id = sel.row_id {_joins()}"


def _joins() -> str:
    """The tables the SQL of COLUMNS reads besides the lead requests (lr)."""
    lead, program, institution = _table(Lead), _table(Program), _table(Institution)
    cip, sponsorship = _table(CipCode), _table(Sponsorship)
    return (
        f"JOIN {lead} l ON l.id = lr.lead_id JOIN {program} p ON p.id = lr.program_id "
        f"JOIN {institution} i ON i.id = p.institution_id JOIN {cip} c ON c.code = p.cip_id "
        f"LEFT JOIN {sponsorship} s ON s.id = lr.sponsorship_id"
    )


def _copy_statement(marking: str, marked: str) -> str:
    """COPY of the rows `marked` reads, formatted and neutralised in SQL, after `marking` (a WITH
    clause; both are SQL with parameters)."""
    inner = ", ".join(f"({c.sql})::text AS c{n}" for n, c in enumerate(COLUMNS))
    # Neutralise, and send empty strings as NULL, which COPY leaves unquoted like the csv module.
    outer = ", ".join(
        f"c{n}"
        if column.plain
        else f"CASE WHEN left(c{n}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || c{n} "
        f"ELSE nullif(c{n}, '') END"
        for n, column in enumerate(COLUMNS)
    )
    head = f"SELECT {outer} FROM (SELECT {inner} FROM "  # noqa: S608
    # OFFSET 0 keeps the inner query apart, so each cell is computed once, not once per CASE arm.
    tail = f" AS lr {_joins()} ORDER BY lr.created_at, lr.id OFFSET 0) AS t) TO STDOUT (FORMAT csv)"
    return f"COPY ({marking}" + head.replace("%", "%%") + marked + tail.replace("%", "%%")


def _update_sql(requests: QuerySet[LeadRequest], values: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The UPDATE that `requests.update(**values)` runs, as SQL and parameters (built the way
    QuerySet.update builds it: Django has no public UPDATE ... RETURNING)."""
    query = requests.query.chain(UpdateQuery)
    query.add_update_values(values)
    return query.get_compiler(requests.db).as_sql()


def _counted_up_to(requests: QuerySet[LeadRequest], limit: int) -> int:
    """How many requests a queryset gives, counting no further than `limit`. (PostgreSQL's own
    estimate was 7,000 for a million: a sponsor's campaigns in a subquery defeat its statistics.)"""
    return requests.order_by()[:limit].count()


# The lead request columns that COLUMNS and _joins() read (lr.*), returned by the marking UPDATEs.
_RETURNED = "id, created_at, price, lead_id, program_id, sponsorship_id, export_id, last_export_id"

# From this many requests sent by an export on, its query joins by hashing (see _joins_for).
MANY_MARKED = 100_000


@contextmanager
def _joins_for(rows: int) -> Iterator[None]:
    """On PostgreSQL, hash joins for the query that reads an export of `rows` requests, if many.

    The planner expects a row or two where a large export marks many (its statistics predate the
    marking, and it cannot estimate what an UPDATE returns), so it joins by looking each one up
    (nested loops). For a million requests that made the COPY statement a quarter slower and the
    ORM path's server-side cursor rescan the programs for every row (minutes). A small export
    keeps the planner's choice. The setting is local to the transaction, undone with it on error."""
    many = connection.vendor == "postgresql" and rows >= MANY_MARKED
    if many:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
    yield
    if many:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_nestloop', 'on', true)")


def _copy_chunks(updates: list[tuple[QuerySet[LeadRequest], dict[str, Any]]]) -> Iterator[tuple[bytes, int]]:
    """Mark and read in one statement: COPY of the rows the marking UPDATEs return.

    Marking first and then reading the marked rows back took a second pass over every freshly
    rewritten row: 16.3 s for a million requests, against 12.8 s in one statement."""
    ctes, params = [], []
    for n, (requests, values) in enumerate(updates):
        update_sql, update_params = _update_sql(requests, values)
        ctes.append(f"m{n} AS ({update_sql} RETURNING {_RETURNED})")
        params.extend(update_params)
    marking = f"WITH {', '.join(ctes)} "
    tables = (f"SELECT * FROM m{n}" for n in range(len(updates)))  # noqa: S608 (no input in it)
    marked = "(" + " UNION ALL ".join(tables) + ")"
    expected = sum(_counted_up_to(requests, MANY_MARKED) for requests, _ in updates)
    with connection.cursor() as cursor, _joins_for(expected):
        # Local to the transaction: the times come out in TIME_ZONE with their offset.
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])
        buffer = bytearray()
        count = 0
        with cursor.cursor.copy(_copy_statement(marking, marked), params) as copy:
            for row in copy:  # one row per block; PostgreSQL ends it with LF
                buffer += row[:-1]
                buffer += b"\r\n"
                count += 1
                if len(buffer) >= CHUNK_SIZE:
                    yield bytes(buffer), count
                    buffer.clear()
                    count = 0
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [connection.timezone_name])
    if count:
        yield bytes(buffer), count
