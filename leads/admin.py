"""Leads in the admin: personal data, so only for staff holding leads.view_lead.

Django would already hide these from a listing editor who has no leads permissions; the explicit
checks make the rule "viewing leads is its own permission" hold even for someone later given, for
example, change_leadrequest to fix a status: without view_lead they still see nothing.
Leads are evidence of consent: nobody adds them here and their contents are read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import path

from programs.paginators import EstimatedCountPaginator

from . import (
    admin_campaigns,  # noqa: F401 (registers sponsors, campaigns, audit trail, dashboard)
    export_views,
)
from .exports import can_export
from .models import ContactRevocation, Lead, LeadExport, LeadRequest

VIEW_LEADS = "leads.view_lead"


class PersonalDataAdmin(admin.ModelAdmin):
    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.has_perm(VIEW_LEADS)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_view_permission(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Deleting a lead answers a deletion request (CCPA); it needs view_lead as well.
        return self.has_view_permission(request, obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class LeadRequestInline(admin.TabularInline):
    model = LeadRequest
    extra = 0
    can_delete = False
    fields = ["program", "school", "status", "sponsorship", "price", "duplicate_of", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[LeadRequest]:
        return (
            super()
            .get_queryset(request)
            .select_related("program__institution", "program__cip", "sponsorship")
        )

    @admin.display(description="school")
    def school(self, obj: LeadRequest) -> str:
        return obj.program.institution.name

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(VIEW_LEADS)


@admin.register(Lead)
class LeadAdmin(PersonalDataAdmin):
    list_display = [
        "created_at",
        "full_name",
        "email",
        "phone",
        "state",
        "education_level",
        "picked",
        "status",
    ]
    list_filter = ["status", "education_level", "state", "consent_version", "created_at"]
    search_fields = ["email_normalized", "phone", "last_name", "zip_code"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # the table only grows: no COUNT(*) of all of it
    actions = ["mark_rejected"]
    inlines = [LeadRequestInline]
    fieldsets = [
        (None, {"fields": ["status", "created_at", "contact_revoked_at"]}),
        ("Contact", {"fields": ["first_name", "last_name", "email", "phone", "zip_code", "city", "state"]}),
        ("Answers", {"fields": ["education_level", "answers"]}),
        (
            "Consent evidence",
            {
                "fields": [
                    "consent_version",
                    "consented_at",
                    "consent_text",
                    "ip_address",
                    "user_agent",
                    "source_page",
                    "utm",
                    "global_privacy_control",
                    "submission_token",
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lead]:
        return super().get_queryset(request).annotate(request_count=Count("requests"))

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Everything but the status is evidence.
        return [f.name for f in Lead._meta.fields if f.name not in {"status", "id"}]

    @admin.display(description="name", ordering="last_name")
    def full_name(self, obj: Lead) -> str:
        return obj.full_name

    @admin.display(description="programs", ordering="request_count")
    def picked(self, obj: Lead) -> int:
        return obj.request_count

    @admin.action(
        description="Mark selected leads and their requests as rejected (junk)", permissions=["change"]
    )
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        LeadRequest.objects.filter(lead_id__in=ids, status=LeadRequest.Status.NEW).update(
            status=LeadRequest.Status.REJECTED
        )
        count = Lead.objects.filter(pk__in=ids).update(status=Lead.Status.REJECTED)
        self.message_user(request, f"Marked {count} lead(s) as rejected.", messages.SUCCESS)


@admin.register(LeadRequest)
class LeadRequestAdmin(PersonalDataAdmin):
    list_display = [
        "id",
        "created_at",
        "program_title",
        "school",
        "lead_name",
        "lead_email",
        "status",
        "sponsorship",
        "price",
    ]
    list_filter = ["status", "created_at", "sponsorship__sponsor"]
    search_fields = ["lead__email_normalized", "lead__phone", "program__institution__name"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # the table only grows: no COUNT(*) of all of it
    list_select_related = ["lead", "program__institution", "program__cip", "sponsorship"]
    raw_id_fields = ["lead", "program", "duplicate_of"]
    actions = ["mark_rejected", "export_selected_as_csv", "resend_selected_as_csv"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Billing was decided under the campaign's lock (leads/campaigns.py); turning an over-cap
        # request into a billable one by hand would break the cap.
        fields = ["lead", "program", "created_at", "duplicate_of", "sponsorship", "price", "export"]
        if obj is not None and obj.status == LeadRequest.Status.OVER_CAP:
            fields.append("status")
        return fields

    @admin.display(description="program", ordering="program__cip__title")
    def program_title(self, obj: LeadRequest) -> str:
        return obj.program.title

    @admin.display(description="school", ordering="program__institution__name")
    def school(self, obj: LeadRequest) -> str:
        return obj.program.institution.name

    @admin.display(description="name")
    def lead_name(self, obj: LeadRequest) -> str:
        return obj.lead.full_name

    @admin.display(description="email")
    def lead_email(self, obj: LeadRequest) -> str:
        return obj.lead.email

    @admin.action(description="Mark selected requests as rejected (not billable)", permissions=["change"])
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[LeadRequest]) -> None:
        count = queryset.exclude(status=LeadRequest.Status.EXPORTED).update(
            status=LeadRequest.Status.REJECTED
        )
        self.message_user(request, f"Marked {count} request(s) as rejected.", messages.SUCCESS)

    # Export (leads/exports.py): only for staff holding both export permissions.
    def has_export_permission(self, request: HttpRequest) -> bool:
        return can_export(request.user)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        export_views.deny_export_action(request)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Export selected as CSV (not yet exported ones)", permissions=["export"])
    def export_selected_as_csv(self, request: HttpRequest, queryset: QuerySet[LeadRequest]):
        return export_views.export_selected(self, request, queryset, resend=False)

    @admin.action(description="Re-send selected as CSV (including already exported)", permissions=["export"])
    def resend_selected_as_csv(self, request: HttpRequest, queryset: QuerySet[LeadRequest]):
        return export_views.export_selected(self, request, queryset, resend=True)


@admin.register(ContactRevocation)
class ContactRevocationAdmin(PersonalDataAdmin):
    list_display = ["created_at", "email_normalized", "phone", "matched_leads"]
    search_fields = ["email_normalized", "phone"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "email_normalized", "phone", "matched_leads"]


@admin.register(LeadExport)
class LeadExportAdmin(admin.ModelAdmin):
    """The export log: read-only, for anyone with leads.view_leadexport (campaign managers)."""

    list_display = [
        "id",
        "created_at",
        "created_by",
        "via",
        "sponsor",
        "period",
        "row_count",
        "resend",
        "completed",
    ]
    list_filter = ["via", "resend", "completed", "sponsor"]
    list_select_related = ["created_by", "sponsor"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "created_by",
        "via",
        "sponsor",
        "since",
        "until",
        "only_new",
        "resend",
        "filters",
        "row_count",
        "completed",
    ]
    readonly_fields = fields
    change_list_template = "admin/leads/export_log.html"

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="leads_leadexport_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        return export_views.export_page(request, model_admin=self)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {"can_export": can_export(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="period")
    def period(self, obj: LeadExport) -> str:
        since, until = obj.filters.get("since"), obj.filters.get("until")
        return f"{since} to {until}" if since and until else "selected requests"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
