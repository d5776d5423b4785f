"""Sponsors, campaigns and leads for the campaign tests (the schools are real: tests/factories.py)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.utils import timezone

from leads import consent
from leads.matching import Answers
from leads.models import Lead, Sponsor, Sponsorship
from leads.places import lookup_zip
from leads.roles import setup_roles
from leads.services import ConsentEvidence, Contact, lead_create
from programs.choices import EducationLevel
from programs.models import Institution, Program


def sponsor(name: str = "Sinclair Community College", **kw: Any) -> Sponsor:
    obj, _ = Sponsor.objects.get_or_create(name=name, defaults=kw)
    return obj


def campaign(target: Program | Institution, **kw: Any) -> Sponsorship:
    """A campaign live today, below generous caps, unless told otherwise."""
    today = timezone.localdate()
    owner = target.institution if isinstance(target, Program) else target
    values = {
        "name": f"Campaign for {target}",
        "sponsor": kw.pop("sponsor", None) or sponsor(owner.name, institution=owner),
        "starts_on": today - datetime.timedelta(days=10),
        "ends_on": today + datetime.timedelta(days=10),
        "price_per_lead": Decimal("30.00"),
        "daily_cap": 100,
        "total_cap": 1000,
        "lift": 5,
    } | kw
    if isinstance(target, Program):
        values["program"] = target
    else:
        values["institution"] = target
    return Sponsorship.objects.create(**values)


def submit(
    *programs: Program,
    person: int = 1,
    token: str | None = None,
    now: datetime.datetime | None = None,
) -> Lead:
    """One visitor's consented request for `programs`; `person` picks a distinct email and phone."""
    given_at = now or timezone.now()
    return lead_create(
        answers=Answers(education=EducationLevel.HIGH_SCHOOL, place=lookup_zip("45402")),
        contact=Contact(
            first_name="Ana",
            last_name="Núñez",
            email=f"visitor{person}@example.com",
            email_normalized=f"visitor{person}@example.com",
            phone=f"+1937555{person:04d}",
        ),
        program_ids=[p.pk for p in programs],
        consent=ConsentEvidence(
            text=consent.disclosure(school_names=[p.institution.name for p in programs]),
            version=consent.VERSION,
            given_at=given_at,
        ),
        submission_token=token or f"token-{person}-{given_at.timestamp()}",
        now=now,
    ).lead


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) in `count` threads released together; each thread has its own connection."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # reported by the caller's assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def staff_in(role: str | None, username: str | None = None) -> tuple[User, Client]:
    """A staff user in one of the roles (None: staff with no permissions at all), logged in."""
    setup_roles()
    user = User.objects.create_user(username or (role or "nobody").lower().replace(" ", "-"), password="x")
    user.is_staff = True
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return user, client
