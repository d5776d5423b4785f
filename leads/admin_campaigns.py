"""Sponsors, campaigns, their audit trail and the operations dashboard in the admin.

Campaign managers work here (see leads/roles.py): they see how many lead requests each campaign
has, never who sent them. Every save or delete of a campaign goes through leads/campaigns.py,
which records it in the audit trail shown on the campaign and in its own read-only list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import campaigns, dashboard
from .models import CampaignDashboard, Sponsor, Sponsorship, SponsorshipChange

VIEW_DASHBOARD = "leads.view_campaigndashboard"


def _has_room() -> Q:
    """For a queryset annotated with leads_today and leads_total (with_lead_counts)."""
    return Q(leads_today__lt=F("daily_cap"), leads_total__lt=F("total_cap"))


class LiveTodayFilter(admin.SimpleListFilter):
    title = "live today"
    parameter_name = "live"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("yes", "Live today"),
            ("room", "Live today, below its caps"),
            ("capped", "Live today, a cap reached"),
            ("no", "Not live today"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Sponsorship]) -> QuerySet[Sponsorship]:
        today = timezone.localdate()
        live = Sponsorship.objects.live(on=today).values("pk")
        match self.value():
            case "yes":
                return queryset.filter(pk__in=live)
            case "room":
                return queryset.filter(_has_room(), pk__in=live)
            case "capped":
                return queryset.filter(~_has_room(), pk__in=live)
            case "no":
                return queryset.exclude(pk__in=live)
        return queryset


def changes_list(record: SponsorshipChange) -> str:
    """The recorded old -> new values as a small list."""
    if not record.changes:
        return "-"
    labels = {f.name: f.verbose_name for f in Sponsorship._meta.fields}
    rows = []
    for name, (old, new) in record.changes.items():
        label = labels.get(name, name)
        if record.action == SponsorshipChange.Action.CREATED:
            rows.append((label, "", _value(new)))
        elif record.action == SponsorshipChange.Action.DELETED:
            rows.append((label, _value(old), ""))
        else:
            rows.append((label, f"{_value(old)} \N{RIGHTWARDS ARROW} ", _value(new)))
    items = format_html_join("", "<li><strong>{}</strong>: {}{}</li>", rows)
    return format_html('<ul class="audit-changes">{}</ul>', items)


def _value(value: object) -> str:
    return "(empty)" if value is None or value == "" else str(value)


class SponsorshipChangeInline(admin.TabularInline):
    """The campaign's audit trail, read-only, newest first."""

    model = SponsorshipChange
    fk_name = "sponsorship"
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "action", "what_changed"]
    readonly_fields = fields
    ordering = ["-changed_at", "-pk"]
    verbose_name_plural = "History of changes"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SponsorshipChange]:
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description="what changed")
    def what_changed(self, obj: SponsorshipChange) -> str:
        return changes_list(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "contact_name", "contact_email", "contact_phone", "campaign_count"]
    list_filter = [("institution", admin.EmptyFieldListFilter)]
    list_select_related = ["institution"]
    search_fields = ["name", "contact_name", "contact_email", "institution__name"]
    autocomplete_fields = ["institution"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sponsor]:
        return super().get_queryset(request).annotate(campaign_count=Count("campaigns"))

    @admin.display(description="campaigns", ordering="campaign_count")
    def campaign_count(self, obj: Sponsor) -> int:
        return obj.campaign_count


@admin.register(Sponsorship)
class SponsorshipAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "sponsor",
        "promotes",
        "starts_on",
        "ends_on",
        "status",
        "sponsored_now",
        "leads_today_of_cap",
        "leads_total_of_cap",
        "price_per_lead",
        "lift",
    ]
    list_filter = ["status", LiveTodayFilter, "sponsor"]
    list_select_related = ["sponsor", "program__institution", "program__cip", "institution"]
    search_fields = [
        "name",
        "sponsor__name",
        "program__name",
        "program__cip__title",
        "program__institution__name",
        "institution__name",
    ]
    autocomplete_fields = ["sponsor", "program", "institution"]
    date_hierarchy = "starts_on"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SponsorshipChangeInline]
    fieldsets = [
        (None, {"fields": ["name", "sponsor", "status"]}),
        (
            "What it promotes",
            {
                "description": "One program, or every program of an institution: fill in one of the two.",
                "fields": ["program", "institution"],
            },
        ),
        ("When", {"fields": ["starts_on", "ends_on"]}),
        ("Price and caps", {"fields": ["price_per_lead", "daily_cap", "total_cap", "lift"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"price_per_lead", "daily_cap", "total_cap", "lift"}:
            # The model's bounds carry plain-words messages; the form field's own generic bounds
            # ("Ensure this value is greater than or equal to 0") would hide them.
            generic = (MinValueValidator, MaxValueValidator)
            field.validators = [v for v in field.validators if not isinstance(v, generic)]
            field.validators += db_field.validators
        return field

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sponsorship]:
        # Counts of lead requests, never their contents: campaign managers see these.
        return super().get_queryset(request).with_lead_counts(on=timezone.localdate())

    @admin.display(description="promotes")
    def promotes(self, obj: Sponsorship) -> str:
        if obj.program is not None:
            return f"{obj.program.title}, {obj.program.institution.name}"
        return f"All programs of {obj.institution.name}" if obj.institution else "-"

    @admin.display(description="sponsored now", boolean=True)
    def sponsored_now(self, obj: Sponsorship) -> bool:
        today = timezone.localdate()
        live = obj.status == Sponsorship.Status.ACTIVE and obj.starts_on <= today <= obj.ends_on
        return live and obj.leads_today < obj.daily_cap and obj.leads_total < obj.total_cap

    @admin.display(description="leads today / daily cap", ordering="leads_today")
    def leads_today_of_cap(self, obj: Sponsorship) -> str:
        return f"{obj.leads_today} / {obj.daily_cap}"

    @admin.display(description="leads / total cap", ordering="leads_total")
    def leads_total_of_cap(self, obj: Sponsorship) -> str:
        return f"{obj.leads_total} / {obj.total_cap}"

    # The audit trail: one place (leads/campaigns.py) for every save and delete.
    def save_model(self, request: HttpRequest, obj: Sponsorship, form: Any, change: bool) -> None:
        campaigns.campaign_save(sponsorship=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Sponsorship) -> None:
        campaigns.campaign_delete(sponsorship=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Sponsorship]) -> None:
        with transaction.atomic():
            for campaign in queryset.order_by("pk"):
                campaigns.campaign_delete(sponsorship=campaign, by=request.user)


@admin.register(SponsorshipChange)
class SponsorshipChangeAdmin(admin.ModelAdmin):
    """Every recorded change to a campaign; nobody edits or deletes these."""

    list_display = ["changed_at", "sponsorship_name", "action", "changed_by", "what_changed"]
    list_filter = ["action", "changed_at"]
    list_select_related = ["changed_by"]
    search_fields = ["sponsorship_name", "changed_by__username"]
    date_hierarchy = "changed_at"
    fields = ["changed_at", "changed_by", "action", "sponsorship", "sponsorship_name", "what_changed"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="what changed")
    def what_changed(self, obj: SponsorshipChange) -> str:
        return changes_list(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CampaignDashboard)
class CampaignDashboardAdmin(admin.ModelAdmin):
    """The operations dashboard, listed in the admin index under Leads and campaigns."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff and request.user.has_perm(VIEW_DASHBOARD)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.changelist_view)
        return [path("", view, name="leads_campaigndashboard_changelist")]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Campaign dashboard",
            "subtitle": None,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "dashboard": dashboard.build(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/leads/dashboard.html", context)
