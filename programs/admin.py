"""The catalog in the admin: what the import loaded, and what only an admin can enter.

Rows that come from DAPIP are shown read-only (the next import would overwrite an edit); an
accreditation an admin enters needs a date and a link to its source. Lists and inlines select
what they display up front, so a page costs the same number of queries for 5 rows or 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from .choices import Delivery
from .models import (
    Accreditation,
    Accreditor,
    CatalogImport,
    Certification,
    CipCode,
    Institution,
    Occupation,
    Program,
    ProgramCertification,
)
from .paginators import EstimatedCountPaginator


def confirm_delivery(program: Program, changed: list[str]) -> None:
    """A delivery an admin typed in is kept by later imports; "not reported" hands it back to them."""
    if "delivery" in changed:
        program.delivery_confirmed = program.delivery != Delivery.NOT_REPORTED


class AccreditationEntryForm(forms.ModelForm):
    """An accreditation entered by hand: never inferred, so it carries a date and its source."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and self.instance.source == Accreditation.Source.DAPIP:
            return cleaned
        errors = {}
        if "granted_on" in self.fields and not cleaned.get("granted_on"):
            errors["granted_on"] = "Enter the date the accreditation was granted, as the source shows it."
        if "source_url" in self.fields and not cleaned.get("source_url"):
            errors["source_url"] = "Link to the accreditor's page that shows this accreditation."
        scope = cleaned.get("scope")
        if scope == Accreditation.Scope.INSTITUTIONAL and (
            not cleaned.get("institution") or cleaned.get("program")
        ):
            errors["institution"] = (
                "An institutional accreditation belongs to an institution, not to a program."
            )
        if scope == Accreditation.Scope.PROGRAMMATIC and (
            not cleaned.get("program") or cleaned.get("institution")
        ):
            errors["program"] = "A programmatic accreditation (CAHIIM, PCAP) belongs to a program."
        if errors:
            raise ValidationError(errors)
        return cleaned


class SharedAccreditorChoices(BaseInlineFormSet):
    """Every row's accreditor list comes from one query instead of one query per row."""

    accreditor_kind = Accreditor.Kind.PROGRAMMATIC

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The form class is built for this request; each row's form copies its fields.
        field = self.form.base_fields["accreditor"]
        field.queryset = Accreditor.objects.filter(kind=self.accreditor_kind)
        field.choices = [choice for choice in field.choices]  # list() would run a COUNT query too
        super().__init__(*args, **kwargs)


class InstitutionalEntryFormSet(SharedAccreditorChoices):
    accreditor_kind = Accreditor.Kind.INSTITUTIONAL


class DapipAccreditationInline(admin.TabularInline):
    """Institutional accreditation from DAPIP (a November 2020 snapshot): the import keeps it."""

    model = Accreditation
    fk_name = "institution"
    verbose_name_plural = "Institutional accreditation from DAPIP (as of November 2020)"
    fields = ["accreditor", "status", "granted_on", "ended_on", "as_of"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Accreditation]:
        return (
            super()
            .get_queryset(request)
            .filter(source=Accreditation.Source.DAPIP)
            .select_related("accreditor")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InstitutionAccreditationInline(admin.TabularInline):
    """Institutional accreditation an admin checked on the accreditor's own site."""

    model = Accreditation
    fk_name = "institution"
    form = AccreditationEntryForm
    formset = InstitutionalEntryFormSet
    verbose_name_plural = "Institutional accreditation entered by an admin"
    fields = ["accreditor", "status", "granted_on", "ended_on", "source_url", "as_of"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Accreditation]:
        return (
            super()
            .get_queryset(request)
            .filter(source=Accreditation.Source.ADMIN)
            .select_related("accreditor")
        )


class ProgramInline(admin.TabularInline):
    """The school's programs come from IPEDS; what an admin may correct is editable here."""

    model = Program
    fields = ["cip", "award_level", "name", "delivery", "length_months", "completions", "active"]
    readonly_fields = ["cip", "award_level", "completions"]
    show_change_link = True
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        # Each row is labelled with str(program), which names the CIP title and the school.
        return super().get_queryset(request).select_related("cip", "institution")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a program is added on its own page, where its CIP code is chosen


class ProgramAccreditationInline(admin.TabularInline):
    """Programmatic accreditation (CAHIIM, AHIMA PCAP): entered by hand with a date and source link."""

    model = Accreditation
    fk_name = "program"
    form = AccreditationEntryForm
    formset = SharedAccreditorChoices
    verbose_name_plural = "Programmatic accreditation (CAHIIM, AHIMA PCAP), entered by an admin"
    fields = ["accreditor", "status", "granted_on", "ended_on", "source_url", "as_of"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Accreditation]:
        return super().get_queryset(request).select_related("accreditor")


class CertificationEntryForm(forms.ModelForm):
    class Meta:
        model = ProgramCertification
        fields = ["program", "certification", "source_url", "checked_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required here even though rows taken over from before the date existed may lack it.
        self.fields["checked_on"].required = True
        self.fields["checked_on"].initial = timezone.localdate


class ProgramCertificationInline(admin.TabularInline):
    """Certifications the program prepares for: entered by hand from the school's own page."""

    model = ProgramCertification
    form = CertificationEntryForm
    verbose_name_plural = "Certifications prepared for (from the school's own page)"
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgramCertification]:
        return super().get_queryset(request).select_related("certification")


def save_entered_accreditations(formset: Any, *, scope: str) -> None:
    """Save an inline of hand-entered accreditations: the scope follows from where it was entered."""
    for instance in formset.save(commit=False):
        instance.scope = scope
        instance.source = Accreditation.Source.ADMIN
        instance.save()
    for obj in formset.deleted_objects:
        obj.delete()
    formset.save_m2m()


class InCatalogFilter(admin.SimpleListFilter):
    title = "in the catalog"
    parameter_name = "in_catalog"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Has programs"), ("no", "No programs")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CipCode]) -> QuerySet[CipCode]:
        has_programs = Exists(Program.objects.filter(cip=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has_programs)
        if self.value() == "no":
            return queryset.filter(~has_programs)
        return queryset


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "unitid", "city", "state", "control", "online_share", "active"]
    list_filter = ["active", "control", "state"]
    search_fields = ["name", "=unitid", "city"]
    readonly_fields = ["updated_at"]
    inlines = [ProgramInline, DapipAccreditationInline, InstitutionAccreditationInline]
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # no COUNT(*) of the whole national catalog

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Accreditation:
            save_entered_accreditations(formset, scope=Accreditation.Scope.INSTITUTIONAL)
            return
        for program_form in formset.forms:
            if program_form.has_changed():
                confirm_delivery(program_form.instance, program_form.changed_data)
        formset.save()


class ProgramForm(forms.ModelForm):
    """The fields come from ProgramAdmin.fieldsets."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left blank, these follow from the award level and the titles (Program.fill_derived_fields).
        for name in ("slug", "credential_level", "minimum_education"):
            if name in self.fields:
                self.fields[name].required = False
        if "slug" in self.fields:
            self.fields["slug"].help_text = "Leave blank to make one from the CIP title and the school."

    def clean_minimum_education(self) -> int | None:
        # A blank choice comes back as "", which the model would try to store as a number.
        value = self.cleaned_data.get("minimum_education")
        return None if value in ("", None) else value


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    form = ProgramForm
    list_display = [
        "__str__",
        "credential_level",
        "delivery",
        "length_band",
        "minimum_education",
        "completions",
        "active",
    ]
    list_select_related = ["institution", "cip"]
    list_filter = [
        "active",
        "credential_level",
        "delivery",
        "delivery_confirmed",
        "length_band",
        "minimum_education",
        "outcomes_reported",
        "certifications",
    ]
    search_fields = ["name", "cip__code", "cip__title", "institution__name", "=institution__unitid"]
    autocomplete_fields = ["institution", "cip"]
    readonly_fields = ["length_band", "updated_at"]
    inlines = [ProgramAccreditationInline, ProgramCertificationInline]
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # no COUNT(*) of the whole national catalog
    # The unique (institution, CIP, award level) index serves this order: the first page of
    # 267,000 programs takes 2 ms on PostgreSQL, where sorting by school name took 330 ms.
    ordering = ["institution_id", "cip_id", "award_level"]
    fieldsets = [
        (None, {"fields": ["institution", "cip", "name", "slug", "active"]}),
        ("Credential and admission", {"fields": ["award_level", "credential_level", "minimum_education"]}),
        (
            "Entered by an admin",
            {
                "description": "Public data does not publish these; enter them from the school's own pages.",
                "fields": [
                    "delivery",
                    "delivery_confirmed",
                    "length_months",
                    "length_band",
                    "tuition",
                ],
            },
        ),
        (
            "Outcomes (IPEDS, College Scorecard)",
            {
                "fields": [
                    "completions",
                    "outcomes_reported",
                    "scorecard_completers",
                    "earnings_1yr",
                    "earnings_4yr",
                    "debt_median",
                ]
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Program, form: Any, change: bool) -> None:
        confirm_delivery(obj, form.changed_data)
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_entered_accreditations(formset, scope=Accreditation.Scope.PROGRAMMATIC)


@admin.register(Accreditor)
class AccreditorAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "recognized_by", "recognition_ended_on"]
    list_filter = ["kind", "recognized_by"]
    search_fields = ["name", "short_name"]


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):
    form = AccreditationEntryForm
    list_display = [
        "accreditor",
        "scope",
        "institution",
        "program",
        "status",
        "granted_on",
        "ended_on",
        "source",
    ]
    list_select_related = ["accreditor", "institution", "program__institution", "program__cip"]
    list_filter = ["scope", "status", "source", "accreditor__kind", "accreditor"]
    search_fields = [
        "accreditor__name",
        "accreditor__short_name",
        "institution__name",
        "program__institution__name",
    ]
    autocomplete_fields = ["accreditor", "institution", "program"]
    readonly_fields = ["source"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # no COUNT(*) of the whole national catalog

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"as_of": timezone.localdate()} | super().get_changeform_initial_data(request)

    def has_change_permission(self, request: HttpRequest, obj: Accreditation | None = None) -> bool:
        # DAPIP rows belong to the import, which would overwrite an edit.
        if obj is not None and obj.source == Accreditation.Source.DAPIP:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Accreditation | None = None) -> bool:
        if obj is not None and obj.source == Accreditation.Source.DAPIP:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "body"]
    list_filter = ["body"]
    search_fields = ["code", "name"]


@admin.register(ProgramCertification)
class ProgramCertificationAdmin(admin.ModelAdmin):
    """Every recorded "prepares for", to review the sources and how recently they were checked."""

    list_display = ["program", "certification", "checked_on", "source_url"]
    list_select_related = ["program__institution", "program__cip", "certification"]
    list_filter = ["certification", "checked_on"]
    search_fields = ["program__institution__name", "program__cip__title", "certification__code"]
    autocomplete_fields = ["program"]
    form = CertificationEntryForm
    fields = ["program", "certification", "source_url", "checked_on"]


@admin.register(CipCode)
class CipCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]
    list_filter = [InCatalogFilter]
    search_fields = ["code", "title"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = [
        "soc_code",
        "title",
        "annual_median_wage",
        "projected_change_pct",
        "typical_entry_education",
    ]
    list_filter = ["typical_entry_education"]
    search_fields = ["soc_code", "title"]
    filter_horizontal = ["cip_codes"]


@admin.register(CatalogImport)
class CatalogImportAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "scope"]
    list_filter = ["scope"]
    search_fields = ["scope", "checksum"]
    readonly_fields = ["started_at", "finished_at", "scope", "checksum", "summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
