"""Hostile values typed into the real wizard (and into admin fields) come out of the export inert.

The wizard accepts formula starts in the email's local part (=1+1@..., +cmd@..., -2+3@...) and in
names (a leading hyphen or apostrophe), and free text in the source page and UTM parameters
(quotes, commas, newlines, tabs, non-Latin text, emoji). Every phone starts with "+". Admin-typed
names (campaigns, programs) can start with anything. The exported bytes are checked exactly, on
SQLite (the ORM path) and on PostgreSQL (the COPY path).
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client

from leads import consent
from leads.models import LeadExport, LeadRequest, Sponsorship
from programs.models import Institution, Program

from .conftest import answer_steps, contact_data, pick
from .export_support import rows, sponsor

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 11, 2, 14, 15, 30, tzinfo=datetime.UTC)
SOURCE_PAGE = '/programs/?q=a,b"c\r\nd\te'
UTM = {
    "utm_source": '=HYPERLINK("http://evil.example","Click")',
    "utm_medium": "+cmd",
    "utm_campaign": "-1+1",
    "utm_term": "@SUM(1+1)",
    "utm_content": 'Ωμέγα 学院 🎓, "quoted"',
}
ANSWERS = (
    '"{""field"": ""coding_billing"", ""start"": ""asap"", ""delivery"": ""online"", ""education"": 1, '
    '""max_length"": ""under_1_year"", ""field_label"": ""Medical coding and billing"", '
    '""start_label"": ""As soon as possible"", ""radius_miles"": 50, ""delivery_label"": ""Online"", '
    '""max_length_label"": ""Up to a year"", ""requested_program_id"": null}"'
)


def submit(program, *, utm: dict[str, str], source_page: str, **contact) -> None:
    """One visitor, start to finish, the way a browser without JavaScript does it."""
    client = Client()
    assert client.get("/match/", {"source_page": source_page, **utm}).status_code == 200
    answer_steps(client)
    pick(client, program)
    html = client.get("/match/step/5/").content.decode()
    response = client.post("/match/step/5/", contact_data(html, **contact))
    assert response.status_code == 303, response.content.decode()[:3000]


def export_bytes(owner) -> bytes:
    from leads.exports import sponsor_export, stream_export

    spec = sponsor_export(
        sponsor=owner,
        since=datetime.date(2026, 11, 1),
        until=datetime.date(2026, 11, 30),
        via=LeadExport.Via.COMMAND,
        bom=False,
    )
    return b"".join(stream_export(spec))


def test_values_typed_into_the_wizard_are_neutralised_and_quoted_exactly(coding_programs) -> None:
    sinclair = coding_programs["sinclair"]
    owner = sponsor("Sinclair CC", sinclair, price="30.00")
    with time_machine.travel(WHEN, tick=False):
        submit(
            sinclair,
            utm=UTM,
            source_page=SOURCE_PAGE,
            first_name="-Zoë",
            last_name="王-O'Brien",
            email="=1+1@example.com",
            phone="+1 (937) 512-3456",
        )
        submit(
            sinclair,
            utm={"utm_source": "news,letter", "utm_campaign": 'say "hi"'},
            source_page="/guides/",
            first_name="'Ana",
            last_name="Núñez",
            email="+cmd@example.com",
            phone="1 513 555 2368",
        )
        submit(
            sinclair,
            utm={},
            source_page="",
            first_name="Lê",
            last_name="Văn",
            email="-2+3@example.com",
            phone="(614) 555-2020",
        )
    first, second, third = LeadRequest.objects.order_by("pk")
    assert {r.sponsorship.sponsor for r in (first, second, third)} == {owner}

    data = export_bytes(owner)

    lines = data.split(b"\r\n")
    assert lines[0].startswith(b"Lead request ID,Created at,Program,")
    stamp = "2026-11-02T09:15:30-05:00"
    common = (
        "Medical Insurance Coding Specialist/Coder,Sinclair Community College,205470,"
        "Sinclair CC: Medical Insurance Coding Specialist/Coder,30.00"
    )
    expected = (
        f"{first.pk},{stamp},{common},'-Zoë,王-O'Brien,'=1+1@example.com,'+19375123456,45402,OH,"
        f"High school diploma or GED,{ANSWERS},{consent.VERSION},{stamp},127.0.0.1,"
        '"/programs/?q=a,b""c\r\nd\te",'
        '"{""utm_term"": ""@SUM(1+1)"", ""utm_medium"": ""+cmd"", '
        '""utm_source"": ""=HYPERLINK(\\""http://evil.example\\"",\\""Click\\"")"", '
        '""utm_content"": ""Ωμέγα 学院 🎓, \\""quoted\\"""", ""utm_campaign"": ""-1+1""}",new\r\n'
        f"{second.pk},{stamp},{common},'Ana,Núñez,'+cmd@example.com,'+15135552368,45402,OH,"
        f"High school diploma or GED,{ANSWERS},{consent.VERSION},{stamp},127.0.0.1,/guides/,"
        '"{""utm_source"": ""news,letter"", ""utm_campaign"": ""say \\""hi\\""""}",new\r\n'
        f"{third.pk},{stamp},{common},Lê,Văn,'-2+3@example.com,'+16145552020,45402,OH,"
        f"High school diploma or GED,{ANSWERS},{consent.VERSION},{stamp},127.0.0.1,,,new\r\n"
    )
    assert data.split(b"\r\n", 1)[1] == expected.encode()
    parsed = rows(data)
    assert parsed[0]["Source page"] == SOURCE_PAGE
    assert parsed[0]["Email"] == "'=1+1@example.com"


def test_admin_typed_names_that_start_a_formula_are_neutralised(coding_programs) -> None:
    sinclair = coding_programs["sinclair"]
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(WHEN, tick=False):
        submit(sinclair, utm={}, source_page="/", email="ana@example.com")
    Sponsorship.objects.update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    Program.objects.filter(pk=sinclair.pk).update(name="\tcmd")
    Institution.objects.filter(pk=sinclair.institution_id).update(name='\r=HYPERLINK("http://evil.example")')

    (row,) = rows(export_bytes(owner))

    assert row["Campaign"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["Program"] == "'\tcmd"
    assert row["Institution"] == '\'\r=HYPERLINK("http://evil.example")'
