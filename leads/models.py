"""Leads: one visitor's consented request, and one lead request per program they picked."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from programs.choices import EducationLevel
from programs.models import Institution, Program

DUPLICATE_WINDOW = datetime.timedelta(days=30)


class Lead(models.Model):
    """One visitor's request: answers, contact details and the evidence of their consent.

    The personal data here is visible only to staff with the leads.view_lead permission (see
    admin.py) and never goes into logs or URLs.
    """

    class Status(models.TextChoices):
        NEW = "new", "New"
        EXPORTED = "exported", "Exported"
        DUPLICATE = "duplicate", "Duplicate"
        REJECTED = "rejected", "Rejected"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.NEW, db_index=True)
    # Issued when the contact step is shown; the unique constraint makes a double click, a
    # replayed POST or a second tab end in this one lead.
    submission_token = models.CharField(max_length=64, unique=True, editable=False)

    first_name = models.CharField(max_length=50)
    last_name = models.CharField(max_length=50)
    email = models.EmailField(max_length=254)
    email_normalized = models.CharField(
        max_length=254, db_index=True, editable=False, help_text="Lowercased and trimmed, for duplicates."
    )
    phone = models.CharField("phone (E.164)", max_length=16, db_index=True)
    zip_code = models.CharField("ZIP code", max_length=5)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2)
    education_level = models.PositiveSmallIntegerField(choices=EducationLevel)
    answers = models.JSONField(default=dict, help_text="The wizard's other answers.")

    consent_text = models.TextField(help_text="The exact disclosure the visitor agreed to.")
    consent_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    source_page = models.CharField(
        max_length=500, blank=True, help_text="The page the visitor came to the wizard from."
    )
    utm = models.JSONField("UTM parameters", default=dict, blank=True)
    global_privacy_control = models.BooleanField(
        default=False, help_text="The browser sent Sec-GPC: 1 (opt out of sale or sharing)."
    )
    contact_revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the visitor withdrew consent to be contacted."
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [("view_lead_personal_data", "Can see leads' personal data and export them")]
        constraints = [
            models.CheckConstraint(condition=Q(phone__startswith="+1"), name="lead_phone_is_us_e164"),
            models.CheckConstraint(condition=~Q(consent_text=""), name="lead_has_consent_text"),
        ]

    def __str__(self) -> str:
        # Admin breadcrumbs and logs of admin actions show this: no personal data.
        return f"Lead #{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class LeadRequestQuerySet(models.QuerySet["LeadRequest"]):
    def billable(self) -> LeadRequestQuerySet:
        """Requests a sponsor pays for and a cap counts: new or exported (not over cap, duplicate
        or rejected). Requests for programs without a campaign are "new" too, but name no campaign."""
        return self.filter(status__in=[LeadRequest.Status.NEW, LeadRequest.Status.EXPORTED])

    def counting_as_original(self) -> LeadRequestQuerySet:
        """Requests a repeat is a duplicate of: new or already exported (not rejected junk)."""
        return self.filter(status__in=[LeadRequest.Status.NEW, LeadRequest.Status.EXPORTED])

    def same_person_recently(
        self, *, email_normalized: str, phone: str, since: datetime.datetime
    ) -> LeadRequestQuerySet:
        return self.counting_as_original().filter(
            Q(lead__email_normalized=email_normalized) | Q(lead__phone=phone), created_at__gte=since
        )


def _export_reference(related_name: str, help_text: str) -> models.ForeignKey:
    """A lead request's link to an export, with no index and no database constraint.

    An export looks its requests up by sponsor and date (leadrequest_campaign_created), and a
    foreign key check per marked row cost as much as the marking itself (5 s for a million rows).
    The value is only ever an export created in the same transaction; exports are never deleted
    (PROTECT still guards that in Django)."""
    return models.ForeignKey(
        "LeadExport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name=related_name,
        help_text=help_text,
    )


class LeadRequest(models.Model):
    """One lead x one picked program: the unit that is capped, priced and exported."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        EXPORTED = "exported", "Exported"
        DUPLICATE = "duplicate", "Duplicate"
        REJECTED = "rejected", "Rejected"
        OVER_CAP = "over_cap", "Over the campaign's cap"

    # Indexes: an export sets status and export on up to millions of rows in one UPDATE. No index
    # names either column, and the table leaves half of each page free (fillfactor 50, migration
    # 0007), so PostgreSQL rewrites each row within its page without touching any index (a HOT
    # update): about 10x faster than with index writes. lead and program need no index of their
    # own: the unique (lead, program) and (program, created_at) indexes start with them.
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="requests", db_index=False)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="lead_requests", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.NEW)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier request by the same person for the same program.",
    )
    sponsorship = models.ForeignKey(
        "Sponsorship",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # leadrequest_campaign_created starts with it
        related_name="lead_requests",
        help_text="The campaign this request was counted against, if its program was sponsored.",
    )
    price = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the sponsor pays for this request; empty when it is not billable.",
    )
    # The export this request first went out in, and the one that sent it most recently (its
    # first, or a re-send): how an export finds the rows it marked, whatever filters chose them.
    export = _export_reference("lead_requests", "The export this request first went out in.")
    last_export = _export_reference(
        "+", "The export this request last went out in (a re-send, or its first export)."
    )

    objects = LeadRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "program"], name="leadrequest_unique_lead_program"),
        ]
        indexes = [
            models.Index(fields=["program", "created_at"], name="leadrequest_program_created"),
            models.Index(fields=["sponsorship", "created_at"], name="leadrequest_campaign_created"),
        ]
        permissions = [("export_leadrequest", "Can export lead requests as CSV")]

    def __str__(self) -> str:
        return f"Lead request #{self.pk}"

    @property
    def billable(self) -> bool:
        return self.status in {self.Status.NEW, self.Status.EXPORTED}


class ContactRevocation(models.Model):
    """A visitor withdrew consent to be contacted (web form); operations pass it on to the schools."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    email_normalized = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField("phone (E.164)", max_length=16, blank=True, db_index=True)
    matched_leads = models.PositiveIntegerField(default=0, help_text="Leads found with this email or phone.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email_normalized="") | ~Q(phone=""), name="revocation_has_email_or_phone"
            )
        ]

    def __str__(self) -> str:
        return f"Revocation #{self.pk}"


class Sponsor(models.Model):
    """A school (or group of schools) that pays for leads; leads are exported per sponsor."""

    name = models.CharField(max_length=200, unique=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="sponsors"
    )
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The most a campaign can lift a program in the match ranking and the catalog's best-match order
# (fit points; see leads.matching.MAX_LIFT, which must agree).
MAX_SPONSORSHIP_LIFT = 5


class SponsorshipQuerySet(models.QuerySet["Sponsorship"]):
    """Campaign vocabulary; the cap arithmetic and the ranking lift live in leads/campaigns.py."""

    def live(self, *, on: datetime.date) -> SponsorshipQuerySet:
        """Active campaigns whose dates include `on` (caps aside: see with_room)."""
        return self.filter(status=Sponsorship.Status.ACTIVE, starts_on__lte=on, ends_on__gte=on)

    def covering(self, program: Program) -> SponsorshipQuerySet:
        """Campaigns for this program or for all of its institution's programs."""
        return self.filter(Q(program=program) | Q(institution_id=program.institution_id))

    def in_pick_order(self) -> SponsorshipQuerySet:
        """The order in which campaigns covering the same program are tried (see campaigns.py)."""
        return self.order_by("-lift", "starts_on", "pk")

    def with_lead_counts(self, *, on: datetime.date) -> SponsorshipQuerySet:
        """Annotate `leads_today` (billable requests created on the local date `on`) and `leads_total`.

        Subqueries rather than a join and GROUP BY, so the counts combine with any other
        annotation or filter and cost the same for one campaign or a hundred.
        """
        start, end = local_day_bounds(on)
        billable = LeadRequest.objects.billable().filter(sponsorship=OuterRef("pk"))
        return self.annotate(
            leads_today=_count(billable.filter(created_at__gte=start, created_at__lt=end)),
            leads_total=_count(billable),
        )

    def with_room(self, *, on: datetime.date) -> SponsorshipQuerySet:
        """Campaigns below both caps on `on`: the only ones that lift and label their programs."""
        return self.with_lead_counts(on=on).filter(
            leads_today__lt=F("daily_cap"), leads_total__lt=F("total_cap")
        )


def local_day_bounds(on: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `on` and of the next day in the site's time zone (TIME_ZONE)."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(on, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def _count(requests: models.QuerySet) -> Coalesce:
    counted = requests.order_by().values("sponsorship").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class Sponsorship(models.Model):
    """A campaign: a program, or all of an institution's programs, promoted for a date range."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    name = models.CharField(max_length=200)
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="campaigns")
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="sponsorships"
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsorships",
        help_text="Promote all of this institution's programs (leave the program empty).",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status, default=Status.ACTIVE, db_index=True)
    price_per_lead = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), message="The price per lead cannot be negative.")],
        help_text="In US dollars; what the sponsor pays for each billable lead request.",
    )
    daily_cap = models.PositiveIntegerField(
        validators=[MinValueValidator(1, message="The daily cap must be at least 1 lead request.")],
        help_text="Most billable lead requests a day (in the site's time zone).",
    )
    total_cap = models.PositiveIntegerField(
        validators=[MinValueValidator(1, message="The total cap must be at least 1 lead request.")],
        help_text="Most billable lead requests over the campaign.",
    )
    lift = models.PositiveSmallIntegerField(
        default=MAX_SPONSORSHIP_LIFT,
        validators=[
            MinValueValidator(0, message=f"The lift must be between 0 and {MAX_SPONSORSHIP_LIFT}."),
            MaxValueValidator(
                MAX_SPONSORSHIP_LIFT, message=f"The lift must be between 0 and {MAX_SPONSORSHIP_LIFT}."
            ),
        ],
        help_text=f"Ranking lift among programs of similar fit, 0 to {MAX_SPONSORSHIP_LIFT} points.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SponsorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=False, institution__isnull=True)
                | Q(program__isnull=True, institution__isnull=False),
                name="sponsorship_program_or_institution",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="sponsorship_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(price_per_lead__gte=0), name="sponsorship_price_not_negative"),
            models.CheckConstraint(
                condition=Q(daily_cap__gte=1, total_cap__gte=1), name="sponsorship_caps_positive"
            ),
            models.CheckConstraint(
                condition=Q(lift__gte=0, lift__lte=MAX_SPONSORSHIP_LIFT), name="sponsorship_lift_bounded"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The check constraints say the same; these messages are what an admin sees instead of a 500.
        errors: dict[str, str] = {}
        if self.program_id and self.institution_id:
            errors["institution"] = (
                "Choose a program or an institution, not both: an institution campaign already "
                "covers all of its programs."
            )
        elif not self.program_id and not self.institution_id:
            errors["program"] = (
                "Choose the program to promote, or an institution to promote all its programs."
            )
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The campaign cannot end before it starts."
        if errors:
            raise ValidationError(errors)

    @property
    def target(self) -> Program | Institution | None:
        return self.program or self.institution


class CampaignDashboard(Sponsorship):
    """No table of its own: gives the operations dashboard a place in the admin and a permission."""

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = "campaign dashboard"
        verbose_name_plural = "campaign dashboard"


class SponsorshipChange(models.Model):
    """The audit trail of a campaign: who changed what, when (old and new values)."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    sponsorship = models.ForeignKey(
        Sponsorship, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    sponsorship_name = models.CharField(max_length=200, help_text="Kept when the campaign is deleted.")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=8, choices=Action)
    changes = models.JSONField(default=dict, help_text="Field name -> [old value, new value].")

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.sponsorship_name}"


class LeadExport(models.Model):
    """One CSV export of lead requests: who, when, which filter, how many rows, for which sponsor."""

    class Via(models.TextChoices):
        ACTION = "action", "Admin action"
        PAGE = "page", "Export page"
        COMMAND = "command", "Management command"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=8, choices=Via)
    sponsor = models.ForeignKey(
        Sponsor, on_delete=models.PROTECT, null=True, blank=True, related_name="exports"
    )
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    only_new = models.BooleanField(default=True, help_text="Only requests not exported before.")
    resend = models.BooleanField(
        default=False, help_text="Sent again, on purpose, requests already exported."
    )
    filters = models.JSONField(default=dict, help_text="The filter the export used, for the record.")
    row_count = models.PositiveIntegerField(default=0)
    completed = models.BooleanField(
        default=True,
        help_text="False when the download stopped part-way: its rows were not marked as exported.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Export #{self.pk}"
