"""PostgreSQL only: the COPY path gives the ORM path's bytes, and concurrent exports never overlap."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction

from leads import exports
from leads.exports import ExportSpec, sponsor_export, stream_export
from leads.models import Lead, LeadExport, LeadRequest
from programs.models import Program
from tests import factories

from .export_support import make_lead, requests_of, rows, sponsor

pytestmark = [pytest.mark.postgresql]

DAYS = {"since": datetime.date(2026, 1, 1), "until": datetime.date(2026, 12, 31)}


def run(spec: ExportSpec) -> bytes:
    return b"".join(stream_export(spec))


def rolled_back(spec: ExportSpec) -> bytes:
    """The export's bytes, then everything it did undone (so both paths see the same rows)."""
    with transaction.atomic():
        data = run(spec)
        transaction.set_rollback(True)
    return data


@pytest.fixture
def mixed(db):
    """Requests with every kind of value the columns format, over both DST offsets."""
    sinclair = factories.program("sinclair", "51.0713", 21)
    terra = factories.program("terra", "51.0707", 2)
    unsponsored = factories.program("charter_oak", "51.0713", 21)
    Program.objects.filter(pk=terra.pk).update(name="Health Information Technology, A.A.S.")
    owner = sponsor("Sinclair & Terra", sinclair, terra, price="12.50")
    moments = ["2026-03-08T06:59:59+00:00", "2026-03-08T07:00:00+00:00", "2026-11-01T06:30:00+00:00"]
    for n, moment in enumerate(moments):
        with time_machine.travel(datetime.datetime.fromisoformat(moment), tick=False):
            make_lead(sinclair, terra, unsponsored, ip_address="2001:db8::1" if n else "192.0.2.1")
    lead = Lead.objects.order_by("pk").first()
    Lead.objects.filter(pk=lead.pk).update(
        first_name='Ann, "Jr"',
        last_name="line\nbreak\r\nand\ttab",
        email="-x@example.com",
        source_page="\r/carriage",
        utm={"z": "last", "é": "accent", "A": "first", "utm_term": 'tab\there\u0001 \\ "q" 🎓'},
        answers={
            "n": 1.5,
            "ok": True,
            "none": None,
            "many": 10,
            "text": "Ωμέγα",
            "nested": {"b": [1, {"zz": 1, "a": 2}], "a": None},
        },
    )
    Lead.objects.exclude(pk=lead.pk).filter(pk=Lead.objects.order_by("-pk").first().pk).update(
        answers={}, utm={}
    )
    LeadRequest.objects.filter(lead=lead, program=terra).update(price=None)
    return owner


def test_copy_and_orm_give_the_same_bytes(mixed) -> None:
    for resend in (False, True):
        for bom in (True, False):
            made = {
                use_copy: rolled_back(
                    sponsor_export(
                        sponsor=mixed, via="command", use_copy=use_copy, resend=resend, bom=bom, **DAYS
                    )
                )
                for use_copy in (True, False)
            }
            assert made[True] == made[False]
            assert len(rows(made[True])) == 6


def test_copy_and_orm_agree_on_a_selection_with_unsponsored_and_exported_requests(mixed) -> None:
    run(sponsor_export(sponsor=mixed, via="command", **DAYS))
    selection = LeadRequest.objects.all()

    made = {
        use_copy: rolled_back(ExportSpec(selection=selection, via="action", resend=True, use_copy=use_copy))
        for use_copy in (True, False)
    }

    assert made[True] == made[False]
    parsed = rows(made[True])
    assert len(parsed) == 9
    assert {r["Campaign"] for r in parsed if not r["Price (USD)"]} >= {""}
    assert parsed[0]["Last name"] == "line\nbreak\r\nand\ttab"
    assert parsed[0]["Source page"] == "'\r/carriage"
    assert parsed[0]["UTM parameters (JSON)"] == (
        '{"A": "first", "z": "last", "é": "accent", "utm_term": "tab\\there\\u0001 \\\\ \\"q\\" 🎓"}'
    )
    assert parsed[0]["Answers (JSON)"] == (
        '{"n": 1.5, "ok": true, "many": 10, "none": null, "text": "Ωμέγα", '
        '"nested": {"a": null, "b": [1, {"a": 2, "zz": 1}]}}'
    )
    # Either side of both DST changes; 01:30 on 1 November happens twice, the offset tells which.
    assert [r["Created at"] for r in parsed][::3] == [
        "2026-03-08T01:59:59-05:00",
        "2026-03-08T03:00:00-04:00",
        "2026-11-01T01:30:00-05:00",
    ]
    assert parsed[3]["IP address"] == "2001:db8::1"


def test_a_large_export_joins_by_hashing_and_sends_the_same_bytes(mixed, monkeypatch) -> None:
    def nestloop() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_nestloop")
            return cursor.fetchone()[0]

    seen = []
    original = exports._copy_statement

    def watched(*parts: str) -> str:
        seen.append(nestloop())
        return original(*parts)

    monkeypatch.setattr(exports, "_copy_statement", watched)
    run(sponsor_export(sponsor=mixed, via="command", **DAYS))
    spec = {"sponsor": mixed, "via": "command", "resend": True, **DAYS}
    usual = rolled_back(sponsor_export(**spec))

    monkeypatch.setattr(exports, "MANY_MARKED", 1)  # every export is a large one
    with transaction.atomic():
        assert run(sponsor_export(**spec)) == usual
        assert nestloop() == "on"

    assert seen == ["on", "on", "off"]


def test_the_copy_path_leaves_the_session_time_zone_as_it_was(mixed) -> None:
    with transaction.atomic():
        run(sponsor_export(sponsor=mixed, via="command", **DAYS))
        with connection.cursor() as cursor:
            cursor.execute("SHOW TimeZone")
            assert cursor.fetchone()[0] == connection.timezone_name


def test_a_copy_closed_part_way_marks_nothing_and_leaves_the_connection_usable(mixed, monkeypatch) -> None:
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    chunks = stream_export(sponsor_export(sponsor=mixed, via="page", **DAYS))

    next(chunks)
    next(chunks)
    chunks.close()

    assert {(r.status, r.export_id) for r in requests_of(mixed)} == {(LeadRequest.Status.NEW, None)}
    assert list(LeadExport.objects.values_list("completed", "row_count")) == [(False, 1)]
    assert len(rows(run(sponsor_export(sponsor=mixed, via="page", **DAYS)))) == 6


@pytest.mark.django_db(transaction=True)
def test_two_exports_at_once_never_send_a_request_twice() -> None:
    sinclair = factories.program("sinclair", "51.0713", 21)
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 15, tzinfo=datetime.UTC)):
        for _ in range(3):
            make_lead(sinclair)
    first = stream_export(sponsor_export(sponsor=owner, via="page", **DAYS))
    next(first)  # the header
    first_rows = next(first)  # marked and sent; its transaction is still open
    second: dict[str, bytes] = {}

    def other_export() -> None:
        try:
            second["data"] = run(sponsor_export(sponsor=owner, via="command", **DAYS))
        finally:
            connection.close()

    thread = threading.Thread(target=other_export)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive(), "the second export should wait for the first one's row locks"
    rest = b"".join(first)  # the first export commits
    thread.join(timeout=10)

    assert len(rows(b"x\r\n" + first_rows + rest)) == 3
    assert rows(second["data"]) == []
    first_export = LeadExport.objects.get(via="page")
    assert {r.export_id for r in requests_of(owner)} == {first_export.pk}
    assert list(LeadExport.objects.order_by("pk").values_list("row_count", flat=True)) == [3, 0]
