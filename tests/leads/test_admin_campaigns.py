"""The campaign admin: clear form errors, the audit trail, cap columns and filters, fixed query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads.campaigns import campaign_save
from leads.models import ContactRevocation, Sponsor, Sponsorship, SponsorshipChange
from leads.services import revocation_record
from programs.models import Program
from tests import factories
from tests.leads.campaign_helpers import campaign, sponsor, submit

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:leads_sponsorship_add")
LIST_URL = reverse("admin:leads_sponsorship_changelist")


def change_url(obj: Sponsorship) -> str:
    return reverse("admin:leads_sponsorship_change", args=[obj.pk])


def form_data(response: Any) -> dict[str, Any]:
    """What the browser posts back for an admin form as shown (main form and inline management)."""
    data: dict[str, Any] = {}
    for bound in response.context["adminform"].form:
        value = bound.value()
        if value is not None:
            data[bound.html_name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        for bound in inline.formset.management_form:
            data[bound.html_name] = str(bound.value())
        for form in inline.formset.forms:
            for bound in form:
                if bound.value() is not None:
                    data[bound.html_name] = str(bound.value())
    return data


@pytest.fixture
def coder():
    return factories.program("sinclair", "51.0713", 21)


@pytest.fixture
def good(admin_client: Client, coder) -> dict[str, Any]:
    today = timezone.localdate()
    return form_data(admin_client.get(ADD_URL)) | {
        "name": "Sinclair coding, winter",
        "sponsor": str(sponsor(institution=coder.institution).pk),
        "status": "active",
        "program": str(coder.pk),
        "institution": "",
        "starts_on": str(today),
        "ends_on": str(today + datetime.timedelta(days=30)),
        "price_per_lead": "35.00",
        "daily_cap": "5",
        "total_cap": "60",
        "lift": "3",
    }


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"ends_on": "2020-01-01"}, "The campaign cannot end before it starts."),
        ({"price_per_lead": "-5"}, "The price per lead cannot be negative."),
        ({"daily_cap": "0"}, "The daily cap must be at least 1 lead request."),
        ({"total_cap": "-3"}, "The total cap must be at least 1 lead request."),
        ({"lift": "50"}, "The lift must be between 0 and 5."),
        ({"program": ""}, "Choose the program to promote, or an institution to promote all its programs."),
        ({"institution": "both"}, "Choose a program or an institution, not both"),
        ({"price_per_lead": "ten dollars"}, "Enter a number."),
        ({"starts_on": "32/13/2026"}, "Enter a valid date."),
    ],
)
def test_the_add_form_explains_bad_input_and_saves_nothing(
    admin_client: Client, good: dict, coder, bad: dict, message: str
) -> None:
    if bad.get("institution") == "both":
        bad = {"institution": str(coder.institution.pk)}

    response = admin_client.post(ADD_URL, good | bad)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Sponsorship.objects.exists()
    assert not SponsorshipChange.objects.exists()


def test_adding_changing_and_deleting_in_the_admin_is_recorded(admin_client: Client, good: dict) -> None:
    admin_user = User.objects.get(username="admin")

    assert admin_client.post(ADD_URL, good).status_code == 302
    created = Sponsorship.objects.get()
    data = form_data(admin_client.get(change_url(created))) | {"daily_cap": "8", "status": "paused"}
    assert admin_client.post(change_url(created), data).status_code == 302
    delete = reverse("admin:leads_sponsorship_delete", args=[created.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302

    records = list(SponsorshipChange.objects.order_by("pk"))
    assert [r.action for r in records] == ["created", "changed", "deleted"]
    assert all(r.changed_by == admin_user for r in records)
    assert records[1].changes == {"status": ["active", "paused"], "daily_cap": [5, 8]}
    assert records[2].sponsorship is None
    assert records[2].sponsorship_name == "Sinclair coding, winter"


def test_the_campaign_page_shows_its_history_read_only(admin_client: Client, good: dict) -> None:
    admin_client.post(ADD_URL, good)
    created = Sponsorship.objects.get()
    data = form_data(admin_client.get(change_url(created))) | {"price_per_lead": "40.00"}
    admin_client.post(change_url(created), data)

    page = admin_client.get(change_url(created))
    html = page.content.decode()

    assert "History of changes" in html
    assert "<strong>price per lead</strong>: 35.00 \N{RIGHTWARDS ARROW} 40.00" in html
    assert "<strong>name</strong>: Sinclair coding, winter" in html
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission


def test_the_audit_list_is_read_only_for_everyone(admin_client: Client, good: dict) -> None:
    admin_client.post(ADD_URL, good)
    record = SponsorshipChange.objects.get()
    url = reverse("admin:leads_sponsorshipchange_change", args=[record.pk])

    assert admin_client.get(reverse("admin:leads_sponsorshipchange_changelist")).status_code == 200
    assert "Sinclair coding, winter" in admin_client.get(url).content.decode()
    assert admin_client.get(reverse("admin:leads_sponsorshipchange_add")).status_code == 403
    assert admin_client.post(url, {"action": "deleted"}).status_code == 403
    delete = reverse("admin:leads_sponsorshipchange_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    record.refresh_from_db()
    assert record.action == "created"


def test_bulk_delete_records_each_campaign(admin_client: Client, coder) -> None:
    first, second = campaign(coder, name="First"), campaign(coder, name="Second")

    response = admin_client.post(
        LIST_URL, {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert not Sponsorship.objects.exists()
    assert sorted(
        SponsorshipChange.objects.filter(action="deleted").values_list("sponsorship_name", flat=True)
    ) == ["First", "Second"]


def test_a_campaign_with_leads_cannot_be_deleted_in_the_admin(admin_client: Client, coder) -> None:
    billed = campaign(coder, name="Billed")
    submit(coder)

    page = admin_client.get(reverse("admin:leads_sponsorship_delete", args=[billed.pk]))
    admin_client.post(reverse("admin:leads_sponsorship_delete", args=[billed.pk]), {"post": "yes"})

    assert "would require deleting the following protected related objects" in page.content.decode()
    assert Sponsorship.objects.filter(pk=billed.pk).exists()
    assert not SponsorshipChange.objects.exists()


def test_the_list_shows_leads_today_and_in_all_against_the_caps(admin_client: Client, coder) -> None:
    shown = campaign(coder, name="Coding", daily_cap=3, total_cap=10)
    submit(coder, person=1, now=timezone.now() - datetime.timedelta(days=1))
    submit(coder, person=2)

    html = admin_client.get(LIST_URL).content.decode()

    assert "1 / 3" in html
    assert "2 / 10" in html
    row = admin_client.get(LIST_URL).context["cl"].result_list[0]
    assert (row, row.leads_today, row.leads_total) == (shown, 1, 2)


def test_filters_live_today_status_and_sponsor_and_search(admin_client: Client, coder) -> None:
    today = timezone.localdate()
    biller = factories.program("sinclair", "51.0714", 21)
    room = campaign(coder, name="Room")
    capped = campaign(biller, name="Capped", daily_cap=1)
    submit(biller)
    paused = campaign(coder, name="Paused", status="paused")
    ended = today - datetime.timedelta(days=30)
    past = campaign(coder, name="Past", starts_on=ended - datetime.timedelta(days=30), ends_on=ended)
    terra = campaign(factories.institution("terra"), name="Terra", sponsor=sponsor("Terra State"))

    def names(query: str) -> set[str]:
        response = admin_client.get(LIST_URL + query)
        assert response.status_code == 200
        return {c.name for c in response.context["cl"].result_list}

    assert names("?live=yes") == {room.name, capped.name, terra.name}
    assert names("?live=room") == {room.name, terra.name}
    assert names("?live=capped") == {capped.name}
    assert names("?live=no") == {paused.name, past.name}
    assert names("?status__exact=paused") == {paused.name}
    assert names(f"?sponsor__id__exact={terra.sponsor_id}") == {terra.name}
    assert names("?q=Terra State Community") == {terra.name}
    assert names("?q=Medical Insurance Coding") == {room.name, paused.name, past.name}
    assert names("?live=nonsense") == {room.name, capped.name, paused.name, past.name, terra.name}


def test_autocomplete_finds_programs_and_schools_for_a_campaign(admin_client: Client, coder) -> None:
    url = reverse("admin:autocomplete")
    common = {"app_label": "leads", "model_name": "sponsorship"}

    programs = admin_client.get(url, common | {"field_name": "program", "term": "Sinclair"}).json()
    schools = admin_client.get(url, common | {"field_name": "institution", "term": "Sinclair"}).json()

    assert [r["id"] for r in programs["results"]] == [str(coder.pk)]
    assert [r["id"] for r in schools["results"]] == [str(coder.institution_id)]


# --- No per-row queries on any changelist ---------------------------------------------------------


def make_rows(count: int, *, first: int = 0) -> None:
    """`count` campaigns, each with a billed request and audit records, and as many leads and revocations."""
    programs = list(Program.objects.order_by("pk")) or factories.real_catalog()
    for n in range(first, first + count):
        program = programs[n % len(programs)]
        owner = sponsor(f"Sponsor {n}", institution=program.institution, contact_name="Ops desk")
        record = Sponsorship(
            name=f"Campaign {n}",
            sponsor=owner,
            program=program,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
            price_per_lead=Decimal("10"),
            daily_cap=50,
            total_cap=50,
        )
        campaign_save(sponsorship=record, by=None)
        submit(program, person=n + 1)
        revocation_record(email_normalized=f"visitor{n + 1}@example.com")


CHANGELISTS = [
    "admin:leads_sponsor_changelist",
    "admin:leads_sponsorship_changelist",
    "admin:leads_sponsorshipchange_changelist",
    "admin:leads_lead_changelist",
    "admin:leads_leadrequest_changelist",
    "admin:leads_contactrevocation_changelist",
    "admin:leads_campaigndashboard_changelist",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelists_cost_the_same_queries_for_few_or_many_rows(
    admin_client: Client, django_assert_max_num_queries, name: str
) -> None:
    make_rows(2)
    url = reverse(name)
    admin_client.get(url)  # the session and content types are cached from here on
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200

    make_rows(12, first=2)
    assert Sponsorship.objects.count() == 14
    assert ContactRevocation.objects.count() == 14

    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(url)
    assert response.status_code == 200
    if "cl" in response.context:
        assert len(response.context["cl"].result_list) >= 12
    else:
        assert len(response.context["dashboard"].charts) == 14


def test_sponsors_list_their_campaign_counts(admin_client: Client, coder) -> None:
    campaign(coder)
    campaign(coder)

    response = admin_client.get(reverse("admin:leads_sponsor_changelist"))

    [row] = response.context["cl"].result_list
    assert row.campaign_count == 2
    assert Sponsor.objects.count() == 1
