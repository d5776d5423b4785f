from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import (
    Accreditation,
    Accreditor,
    CatalogImport,
    Certification,
    CipCode,
    Institution,
    Occupation,
    Program,
)


class ProgramInline(admin.TabularInline):
    model = Program
    fields = ["cip", "name", "award_level", "delivery", "length_months", "completions", "active"]
    readonly_fields = ["completions"]
    autocomplete_fields = ["cip"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return super().get_queryset(request).select_related("cip")


class InstitutionAccreditationInline(admin.TabularInline):
    model = Accreditation
    fk_name = "institution"
    fields = ["accreditor", "status", "granted_on", "ended_on", "source", "source_url", "as_of"]
    autocomplete_fields = ["accreditor"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Accreditation]:
        return super().get_queryset(request).select_related("accreditor")


class ProgramAccreditationInline(admin.TabularInline):
    """Programmatic accreditation (CAHIIM, AHIMA PCAP): entered by hand with a date and source link."""

    model = Accreditation
    fk_name = "program"
    fields = ["accreditor", "status", "granted_on", "ended_on", "source_url", "as_of"]
    autocomplete_fields = ["accreditor"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Accreditation]:
        return super().get_queryset(request).select_related("accreditor")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The scope and source are implied by where the row is entered.
        formset.form.base_fields["source_url"].required = True
        formset.form.base_fields["granted_on"].required = True
        return formset


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "unitid", "city", "state", "control", "online_share", "active"]
    list_filter = ["active", "control", "state"]
    search_fields = ["name", "=unitid", "city"]
    readonly_fields = ["updated_at"]
    inlines = [ProgramInline, InstitutionAccreditationInline]
    show_full_result_count = False

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Accreditation):
                instance.scope = Accreditation.Scope.INSTITUTIONAL
                if instance._state.adding:
                    instance.source = Accreditation.Source.ADMIN
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
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
        "length_band",
        "minimum_education",
        "certifications",
    ]
    search_fields = ["name", "cip__code", "cip__title", "institution__name", "=institution__unitid"]
    autocomplete_fields = ["institution", "cip"]
    filter_horizontal = ["certifications"]
    readonly_fields = ["length_band", "updated_at"]
    inlines = [ProgramAccreditationInline]
    show_full_result_count = False
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
                    "certifications",
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

    def save_model(self, request, obj: Program, form, change) -> None:
        # A delivery typed in by an admin is kept by later imports.
        if "delivery" in form.changed_data:
            obj.delivery_confirmed = True
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            instance.scope = Accreditation.Scope.PROGRAMMATIC
            instance.source = Accreditation.Source.ADMIN
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Accreditor)
class AccreditorAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "recognized_by", "recognition_ended_on"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):
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
    list_filter = ["scope", "status", "source", "accreditor"]
    search_fields = [
        "accreditor__name",
        "accreditor__short_name",
        "institution__name",
        "program__institution__name",
    ]
    autocomplete_fields = ["accreditor", "institution", "program"]
    show_full_result_count = False


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "body"]
    search_fields = ["code", "name"]


@admin.register(CipCode)
class CipCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]
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
    search_fields = ["soc_code", "title"]
    filter_horizontal = ["cip_codes"]


@admin.register(CatalogImport)
class CatalogImportAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "scope"]
    readonly_fields = ["started_at", "finished_at", "scope", "checksum", "summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
