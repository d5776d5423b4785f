from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from leads import consent
from leads.matching import Answers
from leads.models import Lead, LeadRequest
from leads.places import lookup_zip
from leads.services import ConsentEvidence, Contact, LeadError, lead_create, revocation_record
from programs.choices import EducationLevel
from tests import factories
from tests.leads.campaign_helpers import in_threads

pytestmark = pytest.mark.django_db

FIRST_TOKEN = "token-1"


def contact(**kw) -> Contact:
    values = {
        "first_name": "Ana",
        "last_name": "Núñez",
        "email": "Ana.Nunez@Example.com",
        "email_normalized": "ana.nunez@example.com",
        "phone": "+19375123456",
    } | kw
    return Contact(**values)


def evidence(**kw) -> ConsentEvidence:
    values = {
        "text": consent.disclosure(school_names=["Sinclair Community College"]),
        "version": consent.VERSION,
        "given_at": timezone.now(),
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (test)",
        "source_page": "/programs/",
        "utm": {"utm_source": "newsletter"},
        "global_privacy_control": True,
    } | kw
    return ConsentEvidence(**values)


def answers() -> Answers:
    return Answers(
        education=EducationLevel.HIGH_SCHOOL,
        field="coding_billing",
        delivery="online",
        start="asap",
        max_length="under_1_year",
        place=lookup_zip("45402"),
    )


def create(programs, *, token: str = FIRST_TOKEN, **kw):
    values = {
        "answers": answers(),
        "contact": contact(),
        "program_ids": [p.pk for p in programs],
        "consent": evidence(),
        "submission_token": token,
    } | kw
    return lead_create(**values)


def test_a_lead_stores_answers_contact_and_consent_evidence_with_one_request_per_program() -> None:
    coding = factories.program("sinclair", "51.0713", 21)
    billing = factories.program("sinclair", "51.0714", 21)

    result = create([coding, billing])

    assert result.created is True
    lead = Lead.objects.get()
    assert lead == result.lead
    assert (lead.first_name, lead.last_name, lead.email) == ("Ana", "Núñez", "Ana.Nunez@Example.com")
    assert lead.email_normalized == "ana.nunez@example.com"
    assert lead.phone == "+19375123456"
    assert (lead.zip_code, lead.city, lead.state) == ("45402", "Dayton", "OH")
    assert lead.education_level == EducationLevel.HIGH_SCHOOL
    assert lead.answers["field"] == "coding_billing"
    assert lead.answers["max_length_label"] == "Up to a year"
    assert lead.consent_text.startswith('By ticking the box below and selecting "Send my request"')
    assert "Sinclair Community College may contact me" in lead.consent_text
    assert lead.consent_version == consent.VERSION
    assert lead.ip_address == "203.0.113.7"
    assert lead.user_agent == "Mozilla/5.0 (test)"
    assert lead.source_page == "/programs/"
    assert lead.utm == {"utm_source": "newsletter"}
    assert lead.global_privacy_control is True
    assert lead.status == Lead.Status.NEW
    assert [(r.program, r.status) for r in lead.requests.order_by("pk")] == [
        (coding, LeadRequest.Status.NEW),
        (billing, LeadRequest.Status.NEW),
    ]
    assert str(lead) == f"Lead #{lead.pk}"  # no personal data where admin logs show it


def test_the_same_submission_token_always_ends_in_the_same_lead() -> None:
    program = factories.program("sinclair", "51.0713", 21)

    first = create([program])
    again = create([program], contact=contact(first_name="Someone", email_normalized="else@example.com"))

    assert again.created is False
    assert again.lead == first.lead
    assert Lead.objects.count() == 1
    assert LeadRequest.objects.count() == 1


def test_a_racing_request_with_the_same_token_returns_the_lead_that_won() -> None:
    program = factories.program("sinclair", "51.0713", 21)
    winner = create([program])
    real_filter = Lead.objects.filter
    calls = {"n": 0}

    def first_check_misses(*args, **kwargs):
        # The loser's existence check ran before the winner committed.
        calls["n"] += 1
        return Lead.objects.none() if calls["n"] == 1 else real_filter(*args, **kwargs)

    with mock.patch.object(Lead.objects, "filter", side_effect=first_check_misses):
        loser = create([program])

    assert loser.created is False
    assert loser.lead == winner.lead
    assert Lead.objects.count() == 1


def test_same_person_same_program_within_30_days_is_a_duplicate_not_billable() -> None:
    coding = factories.program("sinclair", "51.0713", 21)
    billing = factories.program("sinclair", "51.0714", 21)
    first = create([coding])

    second = create(
        [coding, billing],
        token="token-2",
        contact=contact(email="ANA.NUNEZ@example.com ", email_normalized="ana.nunez@example.com"),
    )

    requests = {r.program: r for r in second.lead.requests.all()}
    assert requests[coding].status == LeadRequest.Status.DUPLICATE
    assert requests[coding].duplicate_of == first.lead.requests.get()
    assert requests[coding].billable is False
    assert requests[billing].status == LeadRequest.Status.NEW
    assert second.lead.status == Lead.Status.NEW


def test_the_same_phone_with_another_email_is_the_same_person() -> None:
    program = factories.program("sinclair", "51.0713", 21)
    create([program])

    again = create(
        [program],
        token="token-2",
        contact=contact(email="other@example.org", email_normalized="other@example.org"),
    )

    assert again.lead.requests.get().status == LeadRequest.Status.DUPLICATE
    assert again.lead.status == Lead.Status.DUPLICATE


def test_after_30_days_or_after_a_rejected_request_it_is_new_again() -> None:
    program = factories.program("sinclair", "51.0713", 21)
    create([program])
    later = timezone.now() + datetime.timedelta(days=31)

    after_window = create([program], token="token-2", now=later)
    assert after_window.lead.requests.get().status == LeadRequest.Status.NEW

    LeadRequest.objects.update(status=LeadRequest.Status.REJECTED)
    after_rejection = create([program], token="token-3", now=later)
    assert after_rejection.lead.requests.get().status == LeadRequest.Status.NEW


def test_a_failure_mid_transaction_stores_nothing() -> None:
    program = factories.program("sinclair", "51.0713", 21)

    with (
        mock.patch.object(LeadRequest.objects, "bulk_create", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        create([program])

    assert Lead.objects.count() == 0
    assert LeadRequest.objects.count() == 0


def test_a_program_no_longer_listed_stores_nothing_and_says_so() -> None:
    listed = factories.program("sinclair", "51.0713", 21)
    gone = factories.program("sinclair", "51.0714", 21, active=False)

    with pytest.raises(LeadError, match="no longer listed"):
        create([listed, gone])

    assert Lead.objects.count() == 0


def test_a_lead_needs_a_place_and_a_program() -> None:
    program = factories.program("sinclair", "51.0713", 21)
    with pytest.raises(LeadError, match="ZIP code"):
        create([program], answers=Answers(education=1))
    with pytest.raises(LeadError, match="at least one school"):
        create([])
    assert Lead.objects.count() == 0


def test_withdrawing_consent_flags_every_lead_with_that_email_or_phone() -> None:
    program = factories.program("sinclair", "51.0713", 21)
    by_email = create([program]).lead
    by_phone = create(
        [program], token="t2", contact=contact(email="b@example.org", email_normalized="b@example.org")
    ).lead
    other = create(
        [program],
        token="t3",
        contact=contact(email="c@example.org", email_normalized="c@example.org", phone="+12155550100"),
    ).lead

    record = revocation_record(email_normalized="ana.nunez@example.com", phone="+19375123456")

    assert record.matched_leads == 2
    by_email.refresh_from_db()
    by_phone.refresh_from_db()
    other.refresh_from_db()
    assert by_email.contact_revoked_at is not None
    assert by_phone.contact_revoked_at is not None
    assert other.contact_revoked_at is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_token_make_one_lead() -> None:
    program = factories.program("sinclair", "51.0713", 21)

    results = in_threads(8, lambda i: create([program], token="double-click"))

    assert all(not isinstance(r, Exception) for r in results), results
    assert Lead.objects.count() == 1
    assert {r.lead.pk for r in results} == {Lead.objects.get().pk}
    assert sum(r.created for r in results) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_by_one_person_bill_the_program_once() -> None:
    program = factories.program("sinclair", "51.0713", 21)

    results = in_threads(6, lambda i: create([program], token=f"tab-{i}"))

    assert all(not isinstance(r, Exception) for r in results), results
    assert Lead.objects.count() == 6
    assert LeadRequest.objects.filter(status=LeadRequest.Status.NEW).count() == 1
    assert LeadRequest.objects.filter(status=LeadRequest.Status.DUPLICATE).count() == 5
