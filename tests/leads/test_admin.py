"""Leads in the admin: visible only with leads.view_lead, never to someone who edits listings."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from leads import consent
from leads.matching import Answers
from leads.models import Lead, LeadRequest
from leads.places import lookup_zip
from leads.services import ConsentEvidence, Contact, lead_create
from tests import factories

pytestmark = pytest.mark.django_db


def make_lead(
    token: str, *programs, email: str = "ana.nunez@example.com", phone: str = "+19375123456"
) -> Lead:
    return lead_create(
        answers=Answers(education=1, place=lookup_zip("45402")),
        contact=Contact(
            first_name="Ana", last_name="Núñez", email=email, email_normalized=email, phone=phone
        ),
        program_ids=[p.pk for p in programs],
        consent=ConsentEvidence(
            text=consent.disclosure(school_names=[p.institution.name for p in programs]),
            version=consent.VERSION,
            given_at=timezone.now(),
        ),
        submission_token=token,
    ).lead


def staff(username: str, *codenames: str) -> Client:
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


LISTING_PERMISSIONS = ("view_program", "change_program", "view_institution", "change_institution")


@pytest.fixture
def lead() -> Lead:
    return make_lead("t1", factories.program("sinclair", "51.0713", 21))


def lead_urls(lead: Lead) -> list[str]:
    request = lead.requests.get()
    return [
        "/admin/leads/",
        "/admin/leads/lead/",
        f"/admin/leads/lead/{lead.pk}/change/",
        f"/admin/leads/lead/{lead.pk}/delete/",
        f"/admin/leads/lead/{lead.pk}/history/",
        "/admin/leads/leadrequest/",
        f"/admin/leads/leadrequest/{request.pk}/change/",
        "/admin/leads/contactrevocation/",
    ]


def test_a_listing_editor_cannot_see_leads_even_by_direct_url(lead) -> None:
    editor = staff("editor", *LISTING_PERMISSIONS)

    assert editor.get("/admin/programs/program/").status_code == 200
    index = editor.get("/admin/").content.decode()
    assert "Leads and campaigns" not in index
    for url in lead_urls(lead):
        response = editor.get(url)
        assert response.status_code in {302, 403, 404}, url
        assert b"ana.nunez@example.com" not in response.content


def test_changing_lead_requests_without_view_lead_shows_nothing(lead) -> None:
    fixer = staff("fixer", "change_leadrequest", "view_leadrequest", "change_lead", "delete_lead")

    for url in lead_urls(lead):
        response = fixer.get(url)
        assert response.status_code in {302, 403, 404}, url
        assert b"Nunez" not in response.content
        assert "Núñez".encode() not in response.content


def test_staff_with_view_lead_see_leads_with_consent_evidence(lead) -> None:
    viewer = staff("viewer", "view_lead")

    changelist = viewer.get("/admin/leads/lead/")
    detail = viewer.get(f"/admin/leads/lead/{lead.pk}/change/")

    assert changelist.status_code == 200
    assert "ana.nunez@example.com" in changelist.content.decode()
    text = detail.content.decode()
    assert detail.status_code == 200
    assert "Sinclair Community College may contact me" in text
    assert consent.VERSION in text
    assert "Medical Insurance Coding Specialist/Coder" in text
    assert viewer.get("/admin/leads/leadrequest/").status_code == 200


def test_leads_are_evidence_nobody_adds_or_edits_them(lead) -> None:
    manager = staff("manager", "view_lead", "change_lead", "add_lead")

    assert manager.get("/admin/leads/lead/add/").status_code == 403
    request = lead.requests.get()
    response = manager.post(
        f"/admin/leads/lead/{lead.pk}/change/",
        {
            "status": "rejected",
            "first_name": "Mallory",
            "requests-TOTAL_FORMS": "1",
            "requests-INITIAL_FORMS": "1",
            "requests-MIN_NUM_FORMS": "0",
            "requests-MAX_NUM_FORMS": "1000",
            "requests-0-id": str(request.pk),
            "requests-0-lead": str(lead.pk),
        },
    )
    assert response.status_code == 302

    lead.refresh_from_db()
    assert lead.first_name == "Ana"
    assert lead.status == Lead.Status.REJECTED


def test_rejecting_a_lead_rejects_its_new_requests(lead) -> None:
    manager = staff("manager", "view_lead", "change_lead")

    manager.post("/admin/leads/lead/", {"action": "mark_rejected", "_selected_action": [lead.pk]})

    assert lead.requests.get().status == LeadRequest.Status.REJECTED
    assert Lead.objects.get().status == Lead.Status.REJECTED


def test_names_with_markup_are_escaped_in_the_admin() -> None:
    program = factories.program("sinclair", "51.0713", 21)
    tricky = lead_create(
        answers=Answers(education=1, place=lookup_zip("45402")),
        contact=Contact(
            first_name="<script>alert(1)</script>",
            last_name="=HYPERLINK()",
            email="x@example.com",
            email_normalized="x@example.com",
            phone="+19375123456",
        ),
        program_ids=[program.pk],
        consent=ConsentEvidence(text="text", version=consent.VERSION, given_at=timezone.now()),
        submission_token="tricky",
    ).lead
    viewer = staff("viewer", "view_lead")

    text = (
        viewer.get("/admin/leads/lead/").content.decode()
        + viewer.get(f"/admin/leads/lead/{tricky.pk}/change/").content.decode()
    )

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_changelists_run_a_fixed_number_of_queries(django_assert_max_num_queries) -> None:
    programs = [factories.program("sinclair", "51.0713", 21), factories.program("sinclair", "51.0714", 21)]
    for i in range(12):
        make_lead(f"t{i}", *programs, email=f"p{i}@example.com", phone=f"+1937512{i:04d}")
    viewer = staff("viewer", "view_lead")

    with django_assert_max_num_queries(12):
        assert viewer.get("/admin/leads/lead/").status_code == 200
    with django_assert_max_num_queries(12):
        assert viewer.get("/admin/leads/leadrequest/").status_code == 200
