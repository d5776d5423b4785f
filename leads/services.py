"""Actions on leads that touch several models: creating a lead, recording a withdrawal of consent."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from programs.models import Program

from .campaigns import bill_requests
from .matching import Answers
from .models import DUPLICATE_WINDOW, ContactRevocation, Lead, LeadRequest


class LeadError(Exception):
    """A lead could not be stored for a reason the visitor can act on; nothing was stored."""


@dataclass(frozen=True)
class Contact:
    first_name: str
    last_name: str
    email: str
    email_normalized: str
    phone: str  # E.164


@dataclass(frozen=True)
class ConsentEvidence:
    text: str
    version: str
    given_at: datetime.datetime
    ip_address: str | None = None
    user_agent: str = ""
    source_page: str = ""
    utm: dict[str, str] = field(default_factory=dict)
    global_privacy_control: bool = False


@dataclass(frozen=True)
class LeadResult:
    lead: Lead
    created: bool  # False when the submission token had already made this lead


def lead_create(
    *,
    answers: Answers,
    contact: Contact,
    program_ids: Sequence[int],
    consent: ConsentEvidence,
    submission_token: str,
    now: datetime.datetime | None = None,
) -> LeadResult:
    """Store one lead and a lead request per picked program, all or nothing, exactly once.

    The same submission token always ends in the same lead, also when two requests race (the
    database's unique constraint decides). A request for a program the same person (normalised
    email or E.164 phone) asked about within DUPLICATE_WINDOW is stored as a duplicate.
    """
    if answers.place is None:
        raise LeadError("We need your ZIP code before we can send your request.")
    wanted = list(dict.fromkeys(program_ids))
    if not wanted:
        raise LeadError("Pick at least one school that may contact you.")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            existing = Lead.objects.filter(submission_token=submission_token).first()
            if existing is not None:
                return LeadResult(lead=existing, created=False)
            # Locking the picked programs (PostgreSQL; SQLite serialises writers anyway) makes the
            # duplicate check below safe against the same person submitting in two places at once.
            programs = {
                p.pk: p
                for p in Program.objects.listed()
                .select_for_update(of=("self",))
                .filter(pk__in=wanted)
                .order_by("pk")
            }
            if len(programs) != len(wanted):
                raise LeadError(
                    "One of the programs you picked is no longer listed. Go back to your results "
                    "and pick again."
                )
            originals = _recent_originals(contact=contact, program_ids=wanted, now=now)
            statuses = [
                LeadRequest.Status.DUPLICATE if pk in originals else LeadRequest.Status.NEW for pk in wanted
            ]
            all_duplicates = all(s == LeadRequest.Status.DUPLICATE for s in statuses)
            lead = Lead.objects.create(
                created_at=now,
                status=Lead.Status.DUPLICATE if all_duplicates else Lead.Status.NEW,
                submission_token=submission_token,
                first_name=contact.first_name,
                last_name=contact.last_name,
                email=contact.email,
                email_normalized=contact.email_normalized,
                phone=contact.phone,
                zip_code=answers.place.zip_code,
                city=answers.place.city,
                state=answers.place.state,
                education_level=answers.education,
                answers=answers.as_json(),
                consent_text=consent.text,
                consent_version=consent.version,
                consented_at=consent.given_at,
                ip_address=consent.ip_address,
                user_agent=consent.user_agent[:512],
                source_page=consent.source_page[:500],
                utm=consent.utm,
                global_privacy_control=consent.global_privacy_control,
            )
            # Caps are counted and billed here, inside this transaction, with the campaign rows
            # locked (campaigns.bill_requests). A duplicate is never billable, so never counted.
            billing = bill_requests(
                programs=[
                    programs[pk]
                    for pk, status in zip(wanted, statuses, strict=True)
                    if status != LeadRequest.Status.DUPLICATE
                ],
                now=now,
            )
            LeadRequest.objects.bulk_create(
                LeadRequest(
                    lead=lead,
                    program=programs[pk],
                    created_at=now,
                    status=billing[pk].status if pk in billing else status,
                    duplicate_of_id=originals.get(pk),
                    sponsorship=billing[pk].sponsorship if pk in billing else None,
                    price=billing[pk].price if pk in billing else None,
                )
                for pk, status in zip(wanted, statuses, strict=True)
            )
    except IntegrityError:
        # Another request with the same token committed first: that lead is this submission.
        existing = Lead.objects.filter(submission_token=submission_token).first()
        if existing is None:
            raise
        return LeadResult(lead=existing, created=False)
    return LeadResult(lead=lead, created=True)


def _recent_originals(
    *, contact: Contact, program_ids: Sequence[int], now: datetime.datetime
) -> dict[int, int]:
    """program id -> the earliest recent request by the same person for it, in one query."""
    rows = (
        LeadRequest.objects.same_person_recently(
            email_normalized=contact.email_normalized, phone=contact.phone, since=now - DUPLICATE_WINDOW
        )
        .filter(program_id__in=program_ids)
        .order_by("-created_at", "-pk")
        .values_list("program_id", "pk")
    )
    return dict(rows)  # later rows overwrite earlier ones, so the earliest request wins


def revocation_record(*, email_normalized: str = "", phone: str = "") -> ContactRevocation:
    """Record that a visitor withdrew consent, and flag their leads so no export sends them."""
    if not email_normalized and not phone:
        raise ValueError("A revocation needs an email address or a phone number.")
    now = timezone.now()
    match = Q()
    if email_normalized:
        match |= Q(email_normalized=email_normalized)
    if phone:
        match |= Q(phone=phone)
    with transaction.atomic():
        Lead.objects.filter(match, contact_revoked_at__isnull=True).update(contact_revoked_at=now)
        return ContactRevocation.objects.create(
            created_at=now,
            email_normalized=email_normalized,
            phone=phone,
            matched_leads=Lead.objects.filter(match).count(),
        )
