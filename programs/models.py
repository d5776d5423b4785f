"""The catalog: institutions, their programs, accreditation and certifications prepared for."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .choices import (
    AWARD_LEVELS,
    AwardLevel,
    Control,
    CredentialLevel,
    Delivery,
    EducationLevel,
    LengthBand,
    length_band_for,
)


class CipCode(models.Model):
    """A Classification of Instructional Programs 2020 code (6-digit), from NCES."""

    code = models.CharField(max_length=7, primary_key=True)
    title = models.CharField(max_length=200)
    definition = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "CIP code"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def family(self) -> str:
        """The 4-digit series, for example 51.07."""
        return self.code[:5]


class Occupation(models.Model):
    """A BLS occupation (SOC 2018) with national wages and projections, for the CIP codes that lead to it."""

    soc_code = models.CharField("SOC code", max_length=7, unique=True)
    title = models.CharField(max_length=200)
    employment = models.PositiveIntegerField(null=True, blank=True)
    annual_median_wage = models.PositiveIntegerField(null=True, blank=True)
    annual_wage_p10 = models.PositiveIntegerField(null=True, blank=True)
    annual_wage_p90 = models.PositiveIntegerField(null=True, blank=True)
    hourly_median_wage = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    projected_change_pct = models.DecimalField(
        "projected change, %", max_digits=5, decimal_places=1, null=True, blank=True
    )
    annual_openings = models.PositiveIntegerField(
        help_text="Projected openings a year, 2024-34.", null=True, blank=True
    )
    typical_entry_education = models.CharField(max_length=100, blank=True)
    cip_codes = models.ManyToManyField(CipCode, related_name="occupations", blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.soc_code} {self.title}"


class InstitutionQuerySet(models.QuerySet["Institution"]):
    def active(self) -> InstitutionQuerySet:
        return self.filter(active=True)


class Institution(models.Model):
    """A school from the IPEDS directory (HD), identified by its IPEDS unit id."""

    unitid = models.PositiveIntegerField("IPEDS unit id", unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, db_index=True)
    zip_code = models.CharField("ZIP code", max_length=5, blank=True)
    website = models.URLField(max_length=300, blank=True)
    control = models.PositiveSmallIntegerField(choices=Control, null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    fall_enrollment = models.PositiveIntegerField(
        help_text="Total fall 2024 enrollment (IPEDS).", null=True, blank=True
    )
    online_share = models.DecimalField(
        "share of students exclusively online",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Students enrolled exclusively in distance education, fall 2024 (IPEDS).",
    )
    tuition_in_state = models.PositiveIntegerField(
        "in-state tuition and fees", null=True, blank=True, help_text="Published, 2023-24 (IPEDS)."
    )
    tuition_out_of_state = models.PositiveIntegerField(
        "out-of-state tuition and fees", null=True, blank=True, help_text="Published, 2023-24 (IPEDS)."
    )
    active = models.BooleanField(default=True, help_text="Open and reporting to IPEDS.")
    closed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})" if self.city else self.name

    @property
    def fully_online(self) -> bool:
        return self.online_share is not None and self.online_share >= 1


# Accreditation conditions are uncorrelated IN subqueries: the database evaluates each once per
# query, where a correlated EXISTS would run once per program row (10x slower on SQLite).
def school_accredited(*, on: datetime.date | None = None) -> Q:
    """Programs whose school holds a current institutional accreditation."""
    current = Accreditation.objects.current(on=on).filter(scope=Accreditation.Scope.INSTITUTIONAL)
    return Q(institution_id__in=current.values("institution_id"))


def program_accredited_by(short_name: str, *, on: datetime.date | None = None) -> Q:
    """Programs with a current programmatic accreditation by the accreditor (CAHIIM, PCAP)."""
    current = Accreditation.objects.current(on=on).filter(
        scope=Accreditation.Scope.PROGRAMMATIC, accreditor__short_name=short_name
    )
    return Q(pk__in=current.values("program_id"))


class ProgramQuerySet(models.QuerySet["Program"]):
    def listed(self) -> ProgramQuerySet:
        """Programs a visitor may see: active programs at open institutions."""
        return self.filter(active=True, institution__active=True)

    def open_to(self, education_level: int) -> ProgramQuerySet:
        """Programs whose admission requirement the given education level meets."""
        return self.filter(minimum_education__lte=education_level)

    def institutionally_accredited(self, *, on: datetime.date | None = None) -> ProgramQuerySet:
        return self.filter(school_accredited(on=on))

    def accredited_by(self, short_name: str, *, on: datetime.date | None = None) -> ProgramQuerySet:
        return self.filter(program_accredited_by(short_name, on=on))

    def for_listing(self) -> ProgramQuerySet:
        """What a program row or card shows, in a fixed number of queries whatever the number of rows:
        school and CIP joined; certification records, the program's current programmatic accreditations
        (`current_programmatic_accreditations`) and its school's current institutional ones
        (`institution.current_accreditations`) prefetched."""
        current = Accreditation.objects.current().select_related("accreditor")
        return self.select_related("institution", "cip").prefetch_related(
            models.Prefetch(
                "certification_records",
                queryset=ProgramCertification.objects.select_related("certification"),
            ),
            models.Prefetch(
                "accreditations",
                queryset=current.filter(scope=Accreditation.Scope.PROGRAMMATIC),
                to_attr="current_programmatic_accreditations",
            ),
            models.Prefetch(
                "institution__accreditations",
                queryset=current.filter(scope=Accreditation.Scope.INSTITUTIONAL),
                to_attr="current_accreditations",
            ),
        )


class Program(models.Model):
    """One program: an institution x 6-digit CIP code x IPEDS award level."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="programs")
    cip = models.ForeignKey(
        CipCode, on_delete=models.PROTECT, related_name="programs", verbose_name="CIP code"
    )
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text="The school's own name for the program; blank uses the CIP title.",
    )
    slug = models.SlugField(max_length=220, unique=True)
    award_level = models.PositiveSmallIntegerField("IPEDS award level", choices=AwardLevel)
    credential_level = models.CharField(max_length=24, choices=CredentialLevel, db_index=True)
    delivery = models.CharField(max_length=16, choices=Delivery, default=Delivery.NOT_REPORTED, db_index=True)
    delivery_confirmed = models.BooleanField(
        default=False,
        help_text="Set when an admin entered the delivery; the importer then leaves it alone.",
    )
    length_months = models.PositiveSmallIntegerField(
        "length in months", null=True, blank=True, help_text="Entered by an admin from the school's own page."
    )
    length_band = models.CharField(max_length=16, choices=LengthBand, editable=False, db_index=True)
    minimum_education = models.PositiveSmallIntegerField(
        "admission requirement", choices=EducationLevel, db_index=True
    )
    tuition = models.PositiveIntegerField(
        "program tuition",
        null=True,
        blank=True,
        help_text="Total program cost, where the school publishes it.",
    )
    completions = models.PositiveIntegerField(
        "completions 2023-24", null=True, blank=True, help_text="First-major awards, IPEDS C2024_A."
    )
    outcomes_reported = models.BooleanField(
        default=False, help_text="College Scorecard has a row for this school, field and credential."
    )
    scorecard_completers = models.PositiveIntegerField(null=True, blank=True)
    earnings_1yr = models.PositiveIntegerField("median earnings 1 year after", null=True, blank=True)
    earnings_4yr = models.PositiveIntegerField("median earnings 4 years after", null=True, blank=True)
    debt_median = models.PositiveIntegerField("median debt", null=True, blank=True)
    certifications = models.ManyToManyField(
        "Certification",
        through="ProgramCertification",
        related_name="programs",
        blank=True,
        verbose_name="certifications prepared for",
    )
    active = models.BooleanField(default=True, help_text="Reported in the latest IPEDS completions.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["institution__name", "cip_id", "award_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "cip", "award_level"], name="program_unique_institution_cip_award"
            ),
            models.CheckConstraint(
                condition=Q(length_months__isnull=True) | Q(length_months__gte=1, length_months__lte=120),
                name="program_length_months_range",
            ),
        ]
        indexes = [models.Index(fields=["active", "minimum_education"])]

    def __str__(self) -> str:
        return f"{self.title} — {self.institution.name}"

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"slug": self.slug})

    def fill_derived_fields(self) -> None:
        """Set what follows from the award level and the months an admin entered."""
        credential, _band, minimum = AWARD_LEVELS[self.award_level]
        if not self.credential_level:
            self.credential_level = credential
        if self.minimum_education is None:
            self.minimum_education = minimum
        self.length_band = length_band_for(award_level=self.award_level, months=self.length_months)
        if not self.slug:
            self.slug = program_slug(
                institution=self.institution, cip_title=self.cip.title, award_level=self.award_level
            )

    @property
    def title(self) -> str:
        return self.name or self.cip.title.rstrip(".")

    @property
    def length_label(self) -> str:
        if self.length_months:
            return f"{self.length_months} months"
        return self.get_length_band_display()

    @property
    def credential_label(self) -> str:
        if self.credential_level == CredentialLevel.CERTIFICATE:
            return f"Certificate ({self.get_length_band_display().lower()})"
        return self.get_credential_level_display()


def program_slug(*, institution: Institution, cip_title: str, award_level: int) -> str:
    """A readable, unique slug: the unit id, CIP title and award level keep it unique."""
    award = AwardLevel(award_level).name.lower().replace("_", "-")
    base = slugify(f"{cip_title} {institution.name}")[:160].strip("-")
    return f"{base}-{award}-{institution.unitid}"


class Accreditor(models.Model):
    class Kind(models.TextChoices):
        INSTITUTIONAL = "institutional", "Institutional"
        PROGRAMMATIC = "programmatic", "Programmatic"

    name = models.CharField(max_length=255, unique=True)
    short_name = models.CharField(max_length=40, blank=True, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind)
    recognized_by = models.CharField(
        max_length=100, blank=True, help_text="For example the U.S. Department of Education or CHEA."
    )
    recognition_ended_on = models.DateField(
        null=True, blank=True, help_text="When federal recognition was withdrawn, if it was."
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class AccreditationQuerySet(models.QuerySet["Accreditation"]):
    def current(self, *, on: datetime.date | None = None) -> AccreditationQuerySet:
        """Accredited or pre-accredited, not ended, by an accreditor still recognised."""
        on = on or timezone.localdate()
        return self.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
            Q(accreditor__recognition_ended_on__isnull=True) | Q(accreditor__recognition_ended_on__gt=on),
            status__in=[Accreditation.Status.ACCREDITED, Accreditation.Status.PREACCREDITED],
        )


class Accreditation(models.Model):
    """Institutional accreditation (from DAPIP) or programmatic (CAHIIM, PCAP; entered by an admin)."""

    class Scope(models.TextChoices):
        INSTITUTIONAL = "institutional", "Institutional"
        PROGRAMMATIC = "programmatic", "Programmatic"

    class Status(models.TextChoices):
        ACCREDITED = "accredited", "Accredited"
        PREACCREDITED = "preaccredited", "Pre-accredited"
        DENIED = "denied", "Denied accreditation"

    class Source(models.TextChoices):
        DAPIP = "dapip", "U.S. Department of Education DAPIP"
        ADMIN = "admin", "Entered by an admin"

    accreditor = models.ForeignKey(Accreditor, on_delete=models.PROTECT, related_name="accreditations")
    scope = models.CharField(max_length=16, choices=Scope)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="accreditations", null=True, blank=True
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="accreditations", null=True, blank=True
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.ACCREDITED)
    granted_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source, default=Source.ADMIN)
    source_url = models.URLField("source link", max_length=500, blank=True)
    as_of = models.DateField(help_text="When the source was checked or published.")

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        ordering = ["accreditor__name", "-granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="institutional", institution__isnull=False, program__isnull=True)
                | Q(scope="programmatic", program__isnull=False, institution__isnull=True),
                name="accreditation_scope_matches_target",
            ),
            models.CheckConstraint(
                condition=Q(source="dapip") | (~Q(source_url="") & Q(granted_on__isnull=False)),
                name="accreditation_admin_entry_has_source_and_date",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(granted_on__isnull=True)
                | Q(ended_on__gte=F("granted_on")),
                name="accreditation_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["institution", "accreditor", "status", "granted_on"],
                condition=Q(source="dapip"),
                name="accreditation_unique_dapip_record",
            ),
        ]

    def __str__(self) -> str:
        target = self.program or self.institution
        return f"{self.accreditor}: {target} ({self.get_status_display()})"

    def is_current(self, *, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        ended = self.ended_on is not None and self.ended_on <= on
        withdrawn = (
            self.accreditor.recognition_ended_on is not None and self.accreditor.recognition_ended_on <= on
        )
        return self.status != self.Status.DENIED and not ended and not withdrawn


class Certification(models.Model):
    """A professional certification a program prepares for (CCS, CPC, RHIT...)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)
    body = models.CharField("certifying body", max_length=20)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.body})"


class ProgramCertification(models.Model):
    """An admin's record that a program prepares for a certification: where it says so, and when
    that was checked. Public data never says this; the importer never sets it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="certification_records")
    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="+")
    source_url = models.URLField(
        "source link", max_length=500, help_text="The school's page that says the program prepares for it."
    )
    checked_on = models.DateField(null=True, help_text="When the source was checked.")

    class Meta:
        db_table = "programs_program_certifications"
        ordering = ["certification__code"]
        verbose_name = "certification prepared for"
        constraints = [
            models.UniqueConstraint(fields=["program", "certification"], name="program_certification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.certification.code} for program #{self.program_id}"


class CatalogImport(models.Model):
    """One run of the importer: which files, which options, and what it changed."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=40, help_text="CIP family imported, or 'all'.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the source files and options.")
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"Import of {self.scope} at {self.started_at:%Y-%m-%d %H:%M}"
