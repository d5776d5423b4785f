"""Sponsored campaigns: which campaign sponsors a program, its caps, its lift and its audit trail.

The rules, in one place:
- A campaign is live on a date when it is active and the date is within its start and end dates
  (`Sponsorship.objects.live(on=...)`). It covers one program, or all of an institution's programs.
- A billable lead request is "new" or "exported" and names the campaign it is counted against.
  The daily cap counts those created on the site's local date (TIME_ZONE); the total cap counts all.
  A campaign has room while both counts are below their caps.
- The campaign that sponsors a program on a date is the first live campaign covering it that has
  room, in pick order: highest lift, then earliest start, then lowest id. A program whose live
  campaigns have all reached a cap is listed unsponsored: no "Sponsored" label and no lift.
- Its lift (0 to MAX_SPONSORSHIP_LIFT points) is added only to programs that already passed every
  hard rule or filter; it reorders, it never adds or removes a program.
- lead_create bills each non-duplicate request to that campaign while it has room, with the
  campaign rows locked so concurrent submissions cannot overshoot a cap; when every live campaign
  covering the program is full, the request is stored "over cap" against the first in pick order.
- Every create, change or delete of a campaign goes through `campaign_save` / `campaign_delete`,
  which record a SponsorshipChange (who, when, old and new values).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, Count, Expression, IntegerField, Q, Value, When
from django.utils import timezone

from programs.models import Program

from .models import (
    LeadRequest,
    Sponsorship,
    SponsorshipChange,
    local_day_bounds,
)

# ---------------------------------------------------------------------------------------------
# The lift, as SQL: one expression for the catalog, the guide and the match results.


@dataclass(frozen=True)
class LiveLifts:
    """The lifts of the campaigns with room on a date: by program and by whole institution."""

    by_program: dict[int, int]
    by_institution: dict[int, int]

    def lift(self, *, program_id: int, institution_id: int) -> int | None:
        """The highest lift covering a program, or None when no campaign with room sponsors it."""
        lifts = [
            lift
            for lift in (self.by_program.get(program_id), self.by_institution.get(institution_id))
            if lift is not None
        ]
        return max(lifts) if lifts else None


def live_lifts(*, on: datetime.date) -> LiveLifts:
    """One small query: the live campaigns with room on `on` and their lifts.

    The first campaign with room in pick order has the highest lift of those with room, so the
    highest lift covering a program is its lift.
    """
    by_program: dict[int, int] = {}
    by_institution: dict[int, int] = {}
    rows = (
        Sponsorship.objects.live(on=on).with_room(on=on).values_list("program_id", "institution_id", "lift")
    )
    for program_id, institution_id, lift in rows:
        target, key = (by_program, program_id) if program_id else (by_institution, institution_id)
        target[key] = max(lift, target.get(key, lift))
    return LiveLifts(by_program=by_program, by_institution=by_institution)


def lift_expression(*, on: datetime.date) -> Expression:
    """Per program row: the lift of the campaign sponsoring it on `on`, or NULL when none does.

    The few live campaigns are read first and their ids written into the query as literals,
    highest lift first: the catalog's big queries then carry no campaign subqueries at all (with
    them, compiling and running each catalog query cost tens of milliseconds more on SQLite).
    """
    live = live_lifts(on=on)
    whens = []
    for lift in sorted({*live.by_program.values(), *live.by_institution.values()}, reverse=True):
        programs = [pk for pk, value in live.by_program.items() if value == lift]
        institutions = [pk for pk, value in live.by_institution.items() if value == lift]
        condition = Q(pk__in=programs) if programs else Q()
        if institutions:
            condition |= Q(institution_id__in=institutions)
        whens.append(When(condition, then=Value(lift)))
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=None, output_field=IntegerField())


def lifts_for(programs: Iterable[Program], *, on: datetime.date) -> dict[int, int]:
    """program id -> lift, for the sponsored programs among `programs`, in one query."""
    programs = list(programs)
    if not programs:
        return {}
    live = live_lifts(on=on)
    found = {
        program.pk: live.lift(program_id=program.pk, institution_id=program.institution_id)
        for program in programs
    }
    return {pk: lift for pk, lift in found.items() if lift is not None}


# ---------------------------------------------------------------------------------------------
# Caps: billing the requests of one lead, inside lead_create's transaction.


@dataclass(frozen=True)
class Billing:
    """What a lead request records about the campaign sponsoring its program."""

    sponsorship: Sponsorship
    status: str  # LeadRequest.Status.NEW (billable) or OVER_CAP
    price: Decimal | None  # the campaign's price per lead when billable

    @property
    def billable(self) -> bool:
        return self.status == LeadRequest.Status.NEW


def bill_requests(*, programs: Sequence[Program], now: datetime.datetime) -> dict[int, Billing]:
    """program id -> Billing for the sponsored programs among `programs` (non-duplicate picks).

    Must run inside the transaction that stores the requests. Locking the covering campaign rows
    (SELECT ... FOR UPDATE, in id order so two leads never wait on each other in a cycle) makes a
    concurrent submission wait here until this one commits; under READ COMMITTED its count then
    sees the requests stored here. SQLite takes the write lock when the transaction begins.
    """
    if not programs:
        return {}
    on = timezone.localdate(now)
    program_ids = {p.pk for p in programs}
    institution_ids = {p.institution_id for p in programs}
    campaigns = list(
        Sponsorship.objects.live(on=on)
        .filter(Q(program_id__in=program_ids) | Q(institution_id__in=institution_ids))
        .select_for_update()
        .order_by("pk")
    )
    if not campaigns:
        return {}
    start, end = local_day_bounds(on)
    counts = {
        row["sponsorship_id"]: row
        for row in LeadRequest.objects.billable()
        .filter(sponsorship__in=campaigns)
        .order_by()
        .values("sponsorship_id")
        .annotate(total=Count("pk"), today=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)))
    }
    today = {c.pk: counts.get(c.pk, {}).get("today", 0) for c in campaigns}
    total = {c.pk: counts.get(c.pk, {}).get("total", 0) for c in campaigns}
    campaigns.sort(key=lambda c: (-c.lift, c.starts_on, c.pk))

    billing: dict[int, Billing] = {}
    for program in programs:
        covering = [
            c for c in campaigns if c.program_id == program.pk or c.institution_id == program.institution_id
        ]
        if not covering:
            continue
        with_room = [c for c in covering if today[c.pk] < c.daily_cap and total[c.pk] < c.total_cap]
        if with_room:
            campaign = with_room[0]
            today[campaign.pk] += 1  # two picked programs of one school share an institution's cap
            total[campaign.pk] += 1
            billing[program.pk] = Billing(campaign, LeadRequest.Status.NEW, campaign.price_per_lead)
        else:
            billing[program.pk] = Billing(covering[0], LeadRequest.Status.OVER_CAP, None)
    return billing


# ---------------------------------------------------------------------------------------------
# The audit trail: the only way campaigns are created, changed or deleted.

AUDITED_FIELDS = (
    "name",
    "sponsor",
    "program",
    "institution",
    "starts_on",
    "ends_on",
    "status",
    "price_per_lead",
    "daily_cap",
    "total_cap",
    "lift",
)


def snapshot(sponsorship: Sponsorship) -> dict[str, Any]:
    """The audited fields as JSON values; a related row as its name and id, so the record stays
    readable after that row is renamed or deleted."""
    values: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        field = Sponsorship._meta.get_field(name)
        if field.is_relation:
            related = getattr(sponsorship, name)
            values[name] = f"{related} (#{related.pk})" if related is not None else None
            continue
        value = getattr(sponsorship, name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = f"{value:.2f}"
        values[name] = value
    return values


def campaign_save(*, sponsorship: Sponsorship, by: AbstractBaseUser | None) -> SponsorshipChange | None:
    """Validate and save a campaign, and record what changed; None when nothing did."""
    sponsorship.full_clean()
    with transaction.atomic():
        before = None
        if sponsorship.pk is not None:
            stored = Sponsorship.objects.select_for_update().filter(pk=sponsorship.pk).first()
            before = snapshot(stored) if stored is not None else None
        sponsorship.save()
        after = snapshot(sponsorship)
        if before is None:
            action = SponsorshipChange.Action.CREATED
            changes = {name: [None, value] for name, value in after.items()}
        else:
            action = SponsorshipChange.Action.CHANGED
            changes = {name: [before[name], value] for name, value in after.items() if before[name] != value}
            if not changes:
                return None
        return SponsorshipChange.objects.create(
            sponsorship=sponsorship,
            sponsorship_name=sponsorship.name,
            changed_by=_user(by),
            action=action,
            changes=changes,
        )


def campaign_delete(*, sponsorship: Sponsorship, by: AbstractBaseUser | None) -> SponsorshipChange:
    """Delete a campaign and keep a record of it. A campaign that has lead requests cannot be
    deleted (ProtectedError, and nothing is recorded): pause it instead."""
    with transaction.atomic():
        record = SponsorshipChange.objects.create(
            sponsorship=sponsorship,
            sponsorship_name=sponsorship.name,
            changed_by=_user(by),
            action=SponsorshipChange.Action.DELETED,
            changes={name: [value, None] for name, value in snapshot(sponsorship).items()},
        )
        sponsorship.delete()
    record.refresh_from_db()
    return record


def _user(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None
