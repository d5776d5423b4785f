"""Caps hold under concurrent submissions: threads with their own PostgreSQL connections.

Each thread is a different visitor submitting at the same moment (a barrier releases them
together). Without the lock on the campaign rows in campaigns.bill_requests, the test of the
institution-wide campaign ends with more billable requests than its cap: submissions for
different programs do not wait on each other's program locks, so they count at the same time.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from leads.models import Lead, LeadRequest
from tests import factories
from tests.leads.campaign_helpers import campaign, in_threads, submit

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

VISITORS = 16
CAP = 5


def assert_no_errors(results: list) -> None:
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors


def test_concurrent_visitors_for_one_capped_program_bill_exactly_the_cap() -> None:
    coder = factories.program("sinclair", "51.0713", 21)
    capped = campaign(coder, total_cap=CAP)

    results = in_threads(VISITORS, lambda i: submit(coder, person=i))

    assert_no_errors(results)
    assert Lead.objects.count() == VISITORS  # every lead is kept, billable or not
    assert LeadRequest.objects.billable().filter(sponsorship=capped).count() == CAP
    assert capped.lead_requests.filter(status=LeadRequest.Status.OVER_CAP).count() == VISITORS - CAP


def test_concurrent_visitors_for_different_programs_share_an_institution_cap() -> None:
    programs = [
        factories.program("sinclair", code, level) for code, level in factories.REAL_PROGRAMS["sinclair"]
    ]
    school_wide = campaign(programs[0].institution, total_cap=CAP)

    results = in_threads(VISITORS, lambda i: submit(programs[i % len(programs)], person=i))

    assert_no_errors(results)
    assert LeadRequest.objects.billable().filter(sponsorship=school_wide).count() == CAP
    assert school_wide.lead_requests.filter(status=LeadRequest.Status.OVER_CAP).count() == VISITORS - CAP


def test_the_daily_cap_holds_under_concurrency_and_yesterday_does_not_count() -> None:
    programs = [
        factories.program("sinclair", code, level) for code, level in factories.REAL_PROGRAMS["sinclair"]
    ]
    school_wide = campaign(programs[0].institution, daily_cap=CAP, total_cap=1000)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for person in range(3):
        submit(programs[0], person=1000 + person, now=yesterday)

    results = in_threads(VISITORS, lambda i: submit(programs[i % len(programs)], person=i))

    assert_no_errors(results)
    billable = LeadRequest.objects.billable().filter(sponsorship=school_wide)
    assert billable.count() == CAP + 3
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert billable.filter(created_at__gte=start).count() == CAP
