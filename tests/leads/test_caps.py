"""Caps in lead_create: billable up to the cap, over cap after it, duplicates never billable."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from leads.campaigns import lifts_for
from leads.models import LeadRequest, Sponsorship
from tests import factories
from tests.leads.campaign_helpers import campaign, submit

pytestmark = pytest.mark.django_db

NEW, OVER_CAP, DUPLICATE = (
    LeadRequest.Status.NEW,
    LeadRequest.Status.OVER_CAP,
    LeadRequest.Status.DUPLICATE,
)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def coder() -> object:
    return factories.program("sinclair", "51.0713", 21)


def statuses(sponsorship: Sponsorship) -> list[str]:
    return list(sponsorship.lead_requests.order_by("pk").values_list("status", flat=True))


def test_a_request_for_a_sponsored_program_is_billed_at_the_campaign_price(coder) -> None:
    sponsored = campaign(coder, price_per_lead=Decimal("42.50"))

    request = submit(coder).requests.get()

    assert (request.status, request.sponsorship, request.price) == (NEW, sponsored, Decimal("42.50"))
    assert request.billable


def test_a_program_without_a_campaign_names_none_and_has_no_price(coder) -> None:
    request = submit(coder).requests.get()

    assert (request.status, request.sponsorship, request.price) == (NEW, None, None)


def test_the_total_cap_is_never_exceeded_and_the_rest_is_over_cap(coder) -> None:
    capped = campaign(coder, total_cap=3)

    for person in range(5):
        submit(coder, person=person)

    assert statuses(capped) == [NEW, NEW, NEW, OVER_CAP, OVER_CAP]
    over = capped.lead_requests.filter(status=OVER_CAP)
    assert all(r.price is None for r in over)
    assert LeadRequest.objects.billable().filter(sponsorship=capped).count() == 3


def test_the_daily_cap_counts_the_local_day_and_resets_the_next(coder) -> None:
    # 11:30 pm in New York is already the next day in UTC: the cap follows TIME_ZONE.
    late = datetime.datetime(2026, 11, 20, 23, 30, tzinfo=NEW_YORK)
    capped = campaign(
        coder, daily_cap=2, starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 11, 30)
    )

    for person in range(3):
        submit(coder, person=person, now=late)
    next_morning = submit(coder, person=10, now=late + datetime.timedelta(hours=1)).requests.get()

    assert statuses(capped)[:3] == [NEW, NEW, OVER_CAP]
    assert next_morning.status == NEW
    assert timezone.localdate(next_morning.created_at) == datetime.date(2026, 11, 21)


def test_over_cap_and_rejected_requests_do_not_use_up_the_cap(coder) -> None:
    capped = campaign(coder, total_cap=2)
    submit(coder, person=1)
    submit(coder, person=2)
    submit(coder, person=3)  # over cap
    first = capped.lead_requests.order_by("pk").first()
    first.status = LeadRequest.Status.REJECTED  # junk, not billed: frees its place
    first.save()

    assert submit(coder, person=4).requests.get().status == NEW
    assert submit(coder, person=5).requests.get().status == OVER_CAP


def test_a_duplicate_is_never_billable_and_never_counted(coder) -> None:
    sponsored = campaign(coder, total_cap=2)
    submit(coder, person=1)

    again = submit(coder, person=1, token="second-tab").requests.get()

    assert (again.status, again.sponsorship, again.price) == (DUPLICATE, None, None)
    assert submit(coder, person=2).requests.get().status == NEW
    assert LeadRequest.objects.billable().filter(sponsorship=sponsored).count() == 2


def test_two_programs_of_one_school_share_an_institution_campaign_cap() -> None:
    coder = factories.program("sinclair", "51.0713", 21)
    biller = factories.program("sinclair", "51.0714", 21)
    school_wide = campaign(coder.institution, total_cap=3)

    first = submit(coder, biller, person=1)
    second = submit(coder, biller, person=2)

    by_program = {r.program: r.status for r in second.requests.all()}
    assert {r.status for r in first.requests.all()} == {NEW}
    assert sorted(by_program.values()) == [NEW, OVER_CAP]
    assert LeadRequest.objects.billable().filter(sponsorship=school_wide).count() == 3


def test_when_the_first_campaign_is_full_the_next_one_with_room_bills(coder) -> None:
    program_campaign = campaign(coder, lift=5, total_cap=1, name="Coding certificate")
    school_campaign = campaign(coder.institution, lift=2, name="All of Sinclair")

    first = submit(coder, person=1).requests.get()
    second = submit(coder, person=2).requests.get()

    assert first.sponsorship == program_campaign
    assert (second.status, second.sponsorship) == (NEW, school_campaign)


def test_when_every_campaign_is_full_the_request_is_over_the_first_in_pick_order(coder) -> None:
    low = campaign(coder.institution, lift=1, total_cap=1, name="Low")
    high = campaign(coder, lift=4, total_cap=1, name="High")
    submit(coder, person=1)
    submit(coder, person=2)

    third = submit(coder, person=3).requests.get()

    assert (third.status, third.sponsorship) == (OVER_CAP, high)
    assert low.lead_requests.get().status == NEW


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Sponsorship.Status.PAUSED},
        {"ends_on": datetime.date(2020, 1, 31), "starts_on": datetime.date(2020, 1, 1)},
        {"starts_on": datetime.date(2099, 1, 1), "ends_on": datetime.date(2099, 1, 31)},
    ],
    ids=["paused", "ended", "not started"],
)
def test_a_campaign_that_is_not_live_bills_nothing(coder, changes: dict) -> None:
    campaign(coder, **changes)

    request = submit(coder).requests.get()

    assert (request.status, request.sponsorship, request.price) == (NEW, None, None)


def test_a_capped_campaign_stops_lifting_and_labelling_its_program(coder) -> None:
    campaign(coder, daily_cap=1)
    today = timezone.localdate()
    assert lifts_for([coder], on=today) == {coder.pk: 5}

    submit(coder)

    assert lifts_for([coder], on=today) == {}
    assert lifts_for([coder], on=today + datetime.timedelta(days=1)) == {coder.pk: 5}
