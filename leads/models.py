"""Leads: one visitor's consented request, and one lead request per program they picked."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from programs.choices import EducationLevel
from programs.models import Program

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
    def counting_as_original(self) -> LeadRequestQuerySet:
        """Requests a repeat is a duplicate of: new or already exported (not rejected junk)."""
        return self.filter(status__in=[LeadRequest.Status.NEW, LeadRequest.Status.EXPORTED])

    def same_person_recently(
        self, *, email_normalized: str, phone: str, since: datetime.datetime
    ) -> LeadRequestQuerySet:
        return self.counting_as_original().filter(
            Q(lead__email_normalized=email_normalized) | Q(lead__phone=phone), created_at__gte=since
        )


class LeadRequest(models.Model):
    """One lead x one picked program: the unit that is capped, priced and exported."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        EXPORTED = "exported", "Exported"
        DUPLICATE = "duplicate", "Duplicate"
        REJECTED = "rejected", "Rejected"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="requests")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="lead_requests")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.NEW, db_index=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier request by the same person for the same program.",
    )

    objects = LeadRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "program"], name="leadrequest_unique_lead_program"),
        ]
        indexes = [models.Index(fields=["program", "created_at"], name="leadrequest_program_created")]

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
