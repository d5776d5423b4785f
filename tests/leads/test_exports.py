"""leads.exports: the columns, neutralisation, exact bytes, incremental delivery and the log."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from leads import consent, exports
from leads.exports import COLUMNS, HEADERS, ExportSpec, neutralise, sponsor_export, stream_export
from leads.models import LeadExport, LeadRequest
from leads.services import revocation_record
from tests import factories

from .export_support import make_lead, requests_of, rows, sponsor, user_with

pytestmark = pytest.mark.django_db

NOV_2 = datetime.datetime(2026, 11, 2, 14, 15, 30, 500000, tzinfo=datetime.UTC)  # 09:15:30 in Dayton
DAYS = {"since": datetime.date(2026, 11, 1), "until": datetime.date(2026, 11, 30)}


@pytest.fixture
def sinclair():
    return factories.program("sinclair", "51.0713", 21)


@pytest.fixture
def terra():
    return factories.program("terra", "51.0713", 2)


def run(spec: ExportSpec) -> bytes:
    return b"".join(stream_export(spec))


def export_for(owner, **kw) -> bytes:
    return run(sponsor_export(sponsor=owner, via=LeadExport.Via.COMMAND, **(DAYS | kw)))


# The columns -----------------------------------------------------------------------------------


def test_one_column_list_in_the_order_the_issue_gives() -> None:
    assert [c.name for c in COLUMNS] == [
        "id",
        "created_at",
        "program",
        "institution",
        "ipeds_unitid",
        "campaign",
        "price",
        "first_name",
        "last_name",
        "email",
        "phone",
        "zip_code",
        "state",
        "education_level",
        "answers",
        "consent_version",
        "consented_at",
        "ip_address",
        "source_page",
        "utm",
        "status",
    ]
    assert len(set(HEADERS)) == len(HEADERS)
    assert all(c.lookups and c.sql for c in COLUMNS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd", "'+cmd"),
        ("-1+1", "'-1+1"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("\0cmd", "'\0cmd"),
        ("+19375123456", "'+19375123456"),
        ("Ana", "Ana"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        ("'already", "'already"),
    ],
)
def test_neutralise_prefixes_only_cells_that_start_a_formula(value, expected) -> None:
    assert neutralise(value) == expected


# Exact bytes -------------------------------------------------------------------------------------


def test_the_file_byte_for_byte(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair, price="25.50")
    with time_machine.travel(NOV_2, tick=False):
        make_lead(
            sinclair,
            last_name="O'Brien-Núñez",
            email="ana@example.com",
            phone="+19375123456",
            source_page="/guides/certified-coding-specialist/",
            utm={"utm_source": "newsletter", "utm_campaign": 'fall, "coding"'},
        )
    (request,) = requests_of(owner)

    data = export_for(owner, bom=True)

    header = (
        "\ufeffLead request ID,Created at,Program,Institution,IPEDS unit ID,Campaign,Price (USD),"
        "First name,Last name,Email,Phone (E.164),ZIP code,State,Education level,Answers (JSON),"
        "Consent version,Consented at,IP address,Source page,UTM parameters (JSON),Status\r\n"
    )
    # JSON as PostgreSQL normalises jsonb: shorter keys first, ", " and ": " between items.
    answers = (
        '"{""field"": ""any"", ""start"": ""not_sure"", ""delivery"": ""either"", ""education"": 1, '
        '""max_length"": ""any"", ""field_label"": ""Not sure yet: show me all three"", '
        '""start_label"": ""Not sure yet"", ""radius_miles"": 50, ""delivery_label"": ""Either is fine"", '
        '""max_length_label"": ""Any length, including 2- and 4-year degrees"", '
        '""requested_program_id"": null}"'
    )
    utm = '"{""utm_source"": ""newsletter"", ""utm_campaign"": ""fall, \\""coding\\""""}"'
    row = (
        f"{request.pk},2026-11-02T09:15:30-05:00,Medical Insurance Coding Specialist/Coder,"
        "Sinclair Community College,205470,Sinclair CC: Medical Insurance Coding Specialist/Coder,25.50,"
        "Ana,O'Brien-Núñez,ana@example.com,'+19375123456,45402,OH,High school diploma or GED,"
        f"{answers},{consent.VERSION},2026-11-02T09:15:30-05:00,192.0.2.10,"
        f"/guides/certified-coding-specialist/,{utm},new\r\n"
    )
    assert data == (header + row).encode()


def test_without_a_bom_the_file_starts_with_the_header(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    make_lead(sinclair)

    data = export_for(owner, bom=False)

    assert data.startswith(b"Lead request ID,Created at,")
    assert rows(data)[0]["Status"] == "new"


def test_times_carry_the_offset_of_their_date_in_the_site_time_zone(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    for when in ("2026-07-04T16:00:00+00:00", "2026-01-15T16:00:00+00:00"):
        with time_machine.travel(datetime.datetime.fromisoformat(when), tick=False):
            make_lead(sinclair)

    data = export_for(owner, since=datetime.date(2026, 1, 1), until=datetime.date(2026, 12, 31))

    assert [r["Created at"] for r in rows(data)] == ["2026-01-15T11:00:00-05:00", "2026-07-04T12:00:00-04:00"]


def test_empty_values_are_empty_cells(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    make_lead(sinclair, ip_address=None, source_page="", utm={})

    (row,) = rows(export_for(owner))

    assert (row["IP address"], row["Source page"], row["UTM parameters (JSON)"]) == ("", "", "")


# Which requests go out -----------------------------------------------------------------------------


def test_an_export_marks_what_it_sends_and_logs_it(sinclair, terra) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    other = sponsor("Terra", terra)
    with time_machine.travel(NOV_2):
        make_lead(sinclair)
        make_lead(sinclair, terra)
    exporter = user_with("exporter", "export_leadrequest", "view_lead_personal_data")

    data = run(sponsor_export(sponsor=owner, via=LeadExport.Via.PAGE, user=exporter, **DAYS))

    export = LeadExport.objects.get()
    sent = requests_of(owner)
    assert [int(r["Lead request ID"]) for r in rows(data)] == [r.pk for r in sent]
    assert {(r.status, r.export_id) for r in sent} == {(LeadRequest.Status.EXPORTED, export.pk)}
    assert [(r.status, r.export_id) for r in requests_of(other)] == [(LeadRequest.Status.NEW, None)]
    assert (export.created_by, export.via, export.sponsor, export.row_count) == (exporter, "page", owner, 2)
    assert (export.only_new, export.resend, export.completed) == (True, False, True)
    assert export.filters == {
        "sponsor": owner.pk,
        "since": "2026-11-01",
        "until": "2026-11-30",
        "resend": False,
    }
    assert timezone.localtime(export.since).isoformat() == "2026-11-01T00:00:00-04:00"
    assert timezone.localtime(export.until).isoformat() == "2026-12-01T00:00:00-05:00"


def test_only_requests_never_exported_go_out_by_default(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        make_lead(sinclair)
    first = rows(export_for(owner))
    with time_machine.travel(NOV_2 + datetime.timedelta(days=1)):
        make_lead(sinclair)

    second = rows(export_for(owner))
    third = export_for(owner)

    assert len(first) == len(second) == 1
    assert first[0]["Lead request ID"] != second[0]["Lead request ID"]
    assert rows(third) == []
    assert list(LeadExport.objects.order_by("pk").values_list("row_count", flat=True)) == [1, 1, 0]


def test_a_resend_is_on_purpose_logged_as_such_and_keeps_the_first_export(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        make_lead(sinclair)
    export_for(owner)
    first_export = LeadExport.objects.get()
    with time_machine.travel(NOV_2 + datetime.timedelta(hours=1)):
        make_lead(sinclair)

    data = export_for(owner, resend=True)

    resend = LeadExport.objects.exclude(pk=first_export.pk).get()
    assert (resend.resend, resend.only_new, resend.row_count) == (True, False, 2)
    old, new = requests_of(owner)
    # The Status column tells the sponsor which requests this file delivers for the first time.
    assert [(int(r["Lead request ID"]), r["Status"]) for r in rows(data)] == [
        (old.pk, "exported"),
        (new.pk, "new"),
    ]
    assert (old.export_id, new.export_id) == (first_export.pk, resend.pk)
    assert {old.status, new.status} == {LeadRequest.Status.EXPORTED}


def test_withdrawn_consent_is_never_exported_not_even_in_a_resend(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        make_lead(sinclair, email="stays@example.com")
        make_lead(sinclair, email="gone@example.com")
        make_lead(sinclair, email="later@example.com")
    export_for(owner, resend=False)  # gone@ is revoked only after this first export
    revocation_record(email_normalized="gone@example.com")
    revocation_record(email_normalized="later@example.com")

    again = rows(export_for(owner, resend=True))

    assert [r["Email"] for r in again] == ["stays@example.com"]


def test_withdrawn_consent_before_the_first_export_stays_unsent(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        make_lead(sinclair, email="stays@example.com")
        make_lead(sinclair, email="gone@example.com")
    revocation_record(email_normalized="gone@example.com")

    sent = rows(export_for(owner))

    assert [r["Email"] for r in sent] == ["stays@example.com"]
    gone = LeadRequest.objects.get(lead__email="gone@example.com")
    assert (gone.status, gone.export_id) == (LeadRequest.Status.NEW, None)


def test_duplicates_rejected_and_over_cap_requests_are_not_billable_so_never_sent(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair, cap=2)
    with time_machine.travel(NOV_2):
        make_lead(sinclair, email="one@example.com")
        make_lead(sinclair, email="two@example.com")
        make_lead(sinclair, email="over@example.com")  # third of a cap of 2
        make_lead(sinclair, email="one@example.com")  # the same person again: a duplicate
    LeadRequest.objects.filter(lead__email="two@example.com").update(status=LeadRequest.Status.REJECTED)
    statuses = dict(LeadRequest.objects.values_list("lead__email", "status").order_by("pk"))
    assert LeadRequest.Status.OVER_CAP in LeadRequest.objects.values_list("status", flat=True)

    first = rows(export_for(owner))
    again = rows(export_for(owner, resend=True))

    assert [r["Email"] for r in first] == [r["Email"] for r in again] == ["one@example.com"]
    assert statuses["two@example.com"] == LeadRequest.Status.REJECTED


def test_requests_of_other_sponsors_other_days_and_unsponsored_programs_stay_out(sinclair, terra) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    unsponsored = factories.program("charter_oak", "51.0713", 21)
    with time_machine.travel(datetime.datetime(2026, 10, 31, 23, 59, tzinfo=datetime.UTC)):  # 19:59 EDT
        make_lead(sinclair, email="october@example.com")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 4, 59, tzinfo=datetime.UTC)):  # 23:59 EST
        make_lead(sinclair, email="november@example.com")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 5, 0, tzinfo=datetime.UTC)):  # Dec 1st
        make_lead(sinclair, email="december@example.com")
    with time_machine.travel(NOV_2):
        make_lead(unsponsored, email="free@example.com")

    assert [r["Email"] for r in rows(export_for(owner))] == ["november@example.com"]


def test_counts_split_a_selection_the_way_the_export_does(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair, cap=3)
    with time_machine.travel(NOV_2):
        for n in range(5):
            make_lead(sinclair, email=f"p{n}@example.com")
    export_for(owner)  # the three billable ones
    with time_machine.travel(NOV_2):
        LeadRequest.objects.filter(lead__email="p0@example.com").update(
            status=LeadRequest.Status.NEW, export=None
        )
    revocation_record(email_normalized="p1@example.com")

    counts = exports.count_requests(exports.sponsor_requests(sponsor=owner, **DAYS))

    assert counts == exports.Counts(new=1, sent_before=1, revoked=1, not_billable=2)
    assert (counts.to_send(resend=False), counts.to_send(resend=True)) == (1, 2)


# Streaming -------------------------------------------------------------------------------------------


def test_the_header_leaves_before_any_query(sinclair, django_assert_num_queries) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    make_lead(sinclair)
    chunks = stream_export(sponsor_export(sponsor=owner, via=LeadExport.Via.COMMAND, **DAYS))

    with django_assert_num_queries(0):
        first = next(chunks)

    assert first.startswith("\ufeffLead request ID,".encode())
    assert LeadExport.objects.count() == 0
    chunks.close()


@pytest.mark.parametrize("people", [1, 40])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    sinclair, terra, people, django_assert_num_queries
) -> None:
    owner = sponsor("Sinclair CC", sinclair, terra)
    with time_machine.travel(NOV_2):
        for _ in range(people):
            make_lead(sinclair, terra)
    spec = sponsor_export(sponsor=owner, via=LeadExport.Via.COMMAND, use_copy=False, **DAYS)

    # Savepoint, log row, mark, select the rows, row count, release: never one query per row.
    with django_assert_num_queries(6 if connection.features.uses_savepoints else 4):
        data = run(spec)

    assert len(rows(data)) == 2 * people


def test_rows_come_in_chunks_while_marking_happens_once(sinclair, monkeypatch) -> None:
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        for _ in range(3):
            make_lead(sinclair)

    chunks = list(
        stream_export(sponsor_export(sponsor=owner, via=LeadExport.Via.COMMAND, use_copy=False, **DAYS))
    )

    assert len(chunks) == 4  # the header, then one chunk per row at this chunk size
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)


def test_a_download_closed_part_way_marks_nothing_and_is_logged_as_incomplete(sinclair, monkeypatch) -> None:
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        for _ in range(3):
            make_lead(sinclair)
    chunks = stream_export(sponsor_export(sponsor=owner, via=LeadExport.Via.COMMAND, use_copy=False, **DAYS))

    next(chunks)  # the header
    next(chunks)  # the first row
    chunks.close()  # what the web server does when the client goes away

    assert {(r.status, r.export_id) for r in requests_of(owner)} == {(LeadRequest.Status.NEW, None)}
    export = LeadExport.objects.get()
    assert (export.completed, export.row_count, export.sponsor) == (False, 1, owner)
    assert rows(export_for(owner)).__len__() == 3  # all three still go out next time


def test_an_error_part_way_marks_nothing(sinclair, monkeypatch) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        make_lead(sinclair)

    def broken(*_arguments, **_options):
        yield b"1,partial\r\n", 1
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(exports, "_orm_chunks", broken)
    with pytest.raises(RuntimeError):
        run(sponsor_export(sponsor=owner, via=LeadExport.Via.COMMAND, use_copy=False, **DAYS))

    assert [(r.status, r.export_id) for r in requests_of(owner)] == [(LeadRequest.Status.NEW, None)]
    assert list(LeadExport.objects.values_list("completed", "row_count")) == [(False, 1)]


def test_a_stream_never_started_records_nothing(sinclair) -> None:
    owner = sponsor("Sinclair CC", sinclair)
    make_lead(sinclair)

    stream_export(sponsor_export(sponsor=owner, via=LeadExport.Via.COMMAND, **DAYS)).close()

    assert LeadExport.objects.count() == 0
    assert requests_of(owner)[0].export_id is None


def test_filename_is_the_sponsor_slug_and_days_nothing_personal(sinclair) -> None:
    owner = sponsor("Sinclair Community College — Dayton, OH", sinclair)
    name = exports.sponsor_filename(sponsor=owner, **DAYS, resend=True)
    assert name == "leads-sinclair-community-college-dayton-oh-2026-11-01-to-2026-11-30-resend.csv"
