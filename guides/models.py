"""Career guides: editorial pages an admin writes and publishes without a deploy."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from .catalog_links import catalog_url, normalize_catalog_query, validate_catalog_query
from .sanitize import render_html, sanitize_html

_CIP_LIST = re.compile(r"^\s*\d{2}\.\d{4}(\s*,\s*\d{2}\.\d{4})*\s*$")
BODY_HELP = (
    "HTML. Allowed: headings (h2 to h4), paragraphs, lists, links (http or https), strong, em and "
    "tables. Anything else is removed when you save. Every figure needs a source: name it and link it."
)


def validate_cip_list(value: str) -> None:
    if value and not _CIP_LIST.match(value):
        raise ValidationError("List 6-digit CIP codes separated by commas, for example 51.0713, 51.0707.")


class GuideQuerySet(models.QuerySet["Guide"]):
    def published(self) -> GuideQuerySet:
        return self.filter(status=Guide.Status.PUBLISHED)


class Guide(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (only editors can see it)"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=100, unique=True, help_text="The page heading and its <title>.")
    slug = models.SlugField(max_length=100, unique=True, help_text="The address: /guides/<slug>/.")
    meta_description = models.CharField(
        max_length=160,
        unique=True,
        validators=[MinLengthValidator(50)],
        help_text="What search results and shared links show: 50 to 160 characters, unique per page.",
    )
    summary = models.TextField(max_length=600, help_text="The opening paragraph, plain text.")
    body = models.TextField(help_text=BODY_HELP)
    occupation_cip_codes = models.CharField(
        "CIP codes",
        max_length=100,
        blank=True,
        validators=[validate_cip_list],
        help_text="The programs this guide is about (for example 51.0713, 51.0707): the pay and outlook "
        "section shows the BLS occupations these codes lead to, and popular programs come from them.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="Set the first time the guide is published."
    )
    updated_on = models.DateField(
        default=timezone.localdate,
        help_text="Shown to readers as “Updated”. Change it when the content changes, not for typo fixes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False),
                name="guide_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_on is None:
            self.published_on = timezone.localdate()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("guides:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def cip_codes(self) -> list[str]:
        return [code.strip() for code in self.occupation_cip_codes.split(",") if code.strip()]

    def body_html(self) -> SafeString:
        return render_html(self.body)


class GuideStep(models.Model):
    """One numbered step of a guide, linking into the catalog with filters applied."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(help_text="1 for the first step, 2 for the next...")
    title = models.CharField(max_length=120)
    body = models.TextField(help_text=BODY_HELP)
    catalog_query = models.CharField(
        "catalog filters",
        max_length=500,
        blank=True,
        validators=[validate_catalog_query],
        help_text="The catalog filters this step opens, for example "
        "delivery=online&credential=certificate&certification=CCS. Blank: no catalog link.",
    )
    link_label = models.CharField(
        max_length=120, blank=True, help_text="The link text, for example “See online certificates”."
    )

    class Meta:
        ordering = ["guide", "position"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "position"], name="guidestep_unique_position"),
        ]

    def __str__(self) -> str:
        return f"Step {self.position}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.body = sanitize_html(self.body)
        self.catalog_query = normalize_catalog_query(self.catalog_query)
        super().save(*args, **kwargs)

    def body_html(self) -> SafeString:
        return render_html(self.body)

    @property
    def catalog_url(self) -> str:
        # Re-normalised on read too, so a row saved around the validator never yields a bad link.
        try:
            return catalog_url(normalize_catalog_query(self.catalog_query)) if self.catalog_query else ""
        except ValidationError:
            return ""


class GuideSource(models.Model):
    """A source the guide cites, with the date someone last checked it."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200, help_text="For example “Certified Coding Specialist (CCS)”.")
    publisher = models.CharField(max_length=120, help_text="For example AHIMA.")
    url = models.URLField(
        "link",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="The page itself (https).",
    )
    checked_on = models.DateField("as checked on", help_text="When someone last read the page and compared.")
    supports = models.CharField(
        max_length=200, blank=True, help_text="What it supports, for example “exam length and passing score”."
    )

    class Meta:
        ordering = ["guide", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}"
