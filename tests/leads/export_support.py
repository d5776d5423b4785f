"""Builders shared by the export tests: sponsors with live campaigns, leads made by lead_create,
users holding exactly the permissions the export asks for, and CSV readers."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from leads import consent
from leads.matching import Answers
from leads.models import Lead, LeadRequest, Sponsor, Sponsorship
from leads.places import lookup_zip
from leads.services import ConsentEvidence, Contact, lead_create
from programs.models import Program

EXPORTER_PERMISSIONS = ("export_leadrequest", "view_lead_personal_data")
# The changelist action lives on the lead request changelist, which takes view_lead to open.
ACTION_PERMISSIONS = (*EXPORTER_PERMISSIONS, "view_lead", "view_leadrequest")
MANAGER_PERMISSIONS = ("view_leadexport", "view_sponsorship", "change_sponsorship", "view_sponsor")


def sponsor(name: str, *programs: Program, price: str = "25.00", cap: int = 1000) -> Sponsor:
    """A sponsor with one live campaign per program (wide dates, caps out of the way)."""
    owner = Sponsor.objects.create(name=name)
    for program in programs:
        Sponsorship.objects.create(
            name=f"{name}: {program.title}",
            sponsor=owner,
            program=program,
            starts_on=datetime.date(2020, 1, 1),
            ends_on=datetime.date(2035, 12, 31),
            price_per_lead=Decimal(price),
            daily_cap=cap,
            total_cap=cap,
        )
    return owner


_counter = iter(range(1, 10**9))


def make_lead(
    *programs: Program,
    first_name: str = "Ana",
    last_name: str = "Núñez",
    email: str | None = None,
    phone: str | None = None,
    ip_address: str | None = "192.0.2.10",
    source_page: str = "/programs/",
    utm: dict[str, str] | None = None,
) -> Lead:
    """A lead as the wizard stores it (lead_create: caps, prices, duplicates), distinct people."""
    n = next(_counter)
    email = email or f"person{n}@example.com"
    return lead_create(
        answers=Answers(education=1, place=lookup_zip("45402")),
        contact=Contact(
            first_name=first_name,
            last_name=last_name,
            email=email,
            email_normalized=email.lower(),
            phone=phone or f"+1937512{n % 10000:04d}",
        ),
        program_ids=[p.pk for p in programs],
        consent=ConsentEvidence(
            text=consent.disclosure(school_names=[p.institution.name for p in programs]),
            version=consent.VERSION,
            given_at=timezone.now(),
            ip_address=ip_address,
            source_page=source_page,
            utm=utm or {},
        ),
        submission_token=f"export-test-{n}",
    ).lead


def requests_of(owner: Sponsor) -> list[LeadRequest]:
    return list(LeadRequest.objects.filter(sponsorship__sponsor=owner).order_by("created_at", "pk"))


def user_with(username: str, *codenames: str, staff: bool = True) -> User:
    user = User.objects.create(username=username, is_staff=staff)  # force_login needs no password
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # a fresh object: no cached permissions


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def rows(data: bytes) -> list[dict[str, str]]:
    """The CSV as dicts by header (the BOM, if any, dropped)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
