"""Campaigns: validation, what is live, cap counts, which campaign sponsors a program, the audit trail."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from leads import matching
from leads.campaigns import campaign_delete, campaign_save, lifts_for
from leads.models import MAX_SPONSORSHIP_LIFT, LeadRequest, Sponsorship, SponsorshipChange
from tests import factories
from tests.leads.campaign_helpers import campaign, sponsor, submit

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def coder():
    return factories.program("sinclair", "51.0713", 21)


def unsaved(coder, **kw) -> Sponsorship:
    values = {
        "name": "Spring coding certificate",
        "sponsor": sponsor(),
        "program": coder,
        "starts_on": datetime.date(2026, 12, 1),
        "ends_on": datetime.date(2026, 12, 31),
        "price_per_lead": Decimal("25.00"),
        "daily_cap": 5,
        "total_cap": 100,
        "lift": 3,
    } | kw
    return Sponsorship(**values)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"ends_on": datetime.date(2026, 11, 30)},
            "ends_on",
            "The campaign cannot end before it starts.",
        ),
        ({"price_per_lead": Decimal("-1")}, "price_per_lead", "The price per lead cannot be negative."),
        ({"daily_cap": 0}, "daily_cap", "The daily cap must be at least 1 lead request."),
        ({"total_cap": 0}, "total_cap", "The total cap must be at least 1 lead request."),
        ({"lift": 6}, "lift", "The lift must be between 0 and 5."),
        ({"program": None}, "program", "Choose the program to promote, or an institution"),
        (
            {"institution": "the program's school"},
            "institution",
            "Choose a program or an institution, not both",
        ),
    ],
    ids=["end before start", "negative price", "daily cap 0", "total cap 0", "lift 6", "neither", "both"],
)
def test_impossible_campaigns_are_refused_with_a_clear_message(coder, changes, field, message) -> None:
    if "institution" in changes:
        changes = {"institution": coder.institution}
    campaign = unsaved(coder, **changes)

    with pytest.raises(ValidationError) as refused:
        campaign_save(sponsorship=campaign, by=None)

    assert any(message in text for text in refused.value.message_dict[field])
    assert not Sponsorship.objects.exists()
    assert not SponsorshipChange.objects.exists()


def test_the_database_refuses_them_too(coder) -> None:
    for bad in ({"ends_on": datetime.date(2026, 11, 1)}, {"daily_cap": 0}, {"lift": 9}, {"program": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            unsaved(coder, **bad).save()


def test_live_means_active_and_within_both_dates(coder) -> None:
    running = campaign(coder, starts_on=TODAY, ends_on=TODAY)
    campaign(coder, status=Sponsorship.Status.PAUSED, starts_on=TODAY, ends_on=TODAY)
    campaign(coder, starts_on=TODAY + datetime.timedelta(days=1), ends_on=TODAY + datetime.timedelta(days=9))

    assert list(Sponsorship.objects.live(on=TODAY)) == [running]
    assert not Sponsorship.objects.live(on=TODAY - datetime.timedelta(days=1)).filter(pk=running.pk)


def test_lead_counts_are_billable_requests_of_that_campaign_today_and_in_all(coder) -> None:
    now = timezone.now()
    counted = campaign(coder, total_cap=3)
    submit(coder, person=1, now=now - datetime.timedelta(days=2))
    submit(coder, person=2, now=now)
    submit(coder, person=2, now=now, token="again")  # duplicate
    submit(coder, person=3, now=now)
    submit(coder, person=4, now=now)  # over the total cap
    other = factories.program("sinclair", "51.0714", 21)
    campaign(other)
    submit(other, person=5, now=now)

    row = Sponsorship.objects.with_lead_counts(on=timezone.localdate(now)).get(pk=counted.pk)

    assert (row.leads_today, row.leads_total) == (2, 3)
    assert not Sponsorship.objects.with_room(on=timezone.localdate(now)).filter(pk=counted.pk).exists()


def test_an_institution_campaign_sponsors_every_program_of_that_school_only(coder) -> None:
    biller = factories.program("sinclair", "51.0714", 21)
    elsewhere = factories.program("terra", "51.0713", 2)
    campaign(coder.institution, lift=2)

    assert lifts_for([coder, biller, elsewhere], on=timezone.localdate()) == {
        coder.pk: 2,
        biller.pk: 2,
    }


def test_the_highest_lift_with_room_wins_and_a_zero_lift_still_labels(
    coder, django_assert_num_queries
) -> None:
    biller = factories.program("sinclair", "51.0714", 21)
    campaign(coder.institution, lift=1)
    campaign(coder, lift=4)
    full = campaign(biller, lift=5, total_cap=1)
    submit(biller)
    campaign(factories.program("terra", "51.0713", 2), lift=0)
    terra = Sponsorship.objects.get(lift=0).program

    with django_assert_num_queries(1):
        lifts = lifts_for([coder, biller, terra], on=timezone.localdate())

    assert lifts == {coder.pk: 4, biller.pk: 1, terra.pk: 0}
    assert full.lead_requests.get().status == LeadRequest.Status.NEW


def test_the_match_ranking_bound_agrees_with_the_model() -> None:
    assert matching.MAX_LIFT == MAX_SPONSORSHIP_LIFT


def test_creating_a_campaign_records_who_and_every_value(coder) -> None:
    manager = User.objects.create_user("manager")

    record = campaign_save(sponsorship=unsaved(coder), by=manager)

    assert record.action == SponsorshipChange.Action.CREATED
    assert record.changed_by == manager
    assert record.sponsorship_name == "Spring coding certificate"
    assert record.changes["price_per_lead"] == [None, "25.00"]
    assert record.changes["starts_on"] == [None, "2026-12-01"]
    assert record.changes["program"] == [None, f"{coder} (#{coder.pk})"]
    assert record.changes["institution"] == [None, None]
    assert abs(record.changed_at - timezone.now()) < datetime.timedelta(seconds=5)


def test_changing_a_campaign_records_only_what_changed_old_and_new(coder) -> None:
    manager = User.objects.create_user("manager")
    saved = unsaved(coder)
    campaign_save(sponsorship=saved, by=manager)
    saved.daily_cap = 8
    saved.status = Sponsorship.Status.PAUSED

    record = campaign_save(sponsorship=saved, by=manager)

    assert record.action == SponsorshipChange.Action.CHANGED
    assert record.changes == {"status": ["active", "paused"], "daily_cap": [5, 8]}
    assert campaign_save(sponsorship=saved, by=manager) is None  # nothing changed: nothing recorded
    assert saved.changes.count() == 2


def test_deleting_a_campaign_keeps_its_record(coder) -> None:
    saved = unsaved(coder)
    campaign_save(sponsorship=saved, by=None)
    pk = saved.pk

    record = campaign_delete(sponsorship=saved, by=User.objects.create_user("boss"))

    assert not Sponsorship.objects.filter(pk=pk).exists()
    assert record.sponsorship is None
    assert record.action == SponsorshipChange.Action.DELETED
    assert record.changes["name"] == ["Spring coding certificate", None]
    assert SponsorshipChange.objects.filter(sponsorship_name="Spring coding certificate").count() == 2


def test_a_campaign_with_lead_requests_cannot_be_deleted_and_nothing_is_recorded(coder) -> None:
    billed = campaign(coder)
    submit(coder)

    with pytest.raises(ProtectedError):
        campaign_delete(sponsorship=billed, by=None)

    assert Sponsorship.objects.filter(pk=billed.pk).exists()
    assert not SponsorshipChange.objects.filter(action=SponsorshipChange.Action.DELETED).exists()
