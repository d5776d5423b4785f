from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from .models import Guide, GuideSource, GuideStep
from .sanitize import ALLOWED_TAGS, removed_markup


def _warn_if_stripped(request: HttpRequest, submitted: str, where: str) -> None:
    removed = removed_markup(submitted)
    if removed:
        messages.warning(
            request,
            f"Removed from {where}: {', '.join(removed)}. Only {', '.join(sorted(ALLOWED_TAGS))} "
            "and http(s) links are kept; check the saved text reads as you meant.",
        )


class GuideStepInline(admin.StackedInline):
    model = GuideStep
    fields = ["position", "title", "body", "catalog_query", "link_label"]
    extra = 0


class GuideSourceInline(admin.TabularInline):
    model = GuideSource
    fields = ["position", "publisher", "title", "url", "checked_on", "supports"]
    extra = 0


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "updated_on", "step_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_on", "created_at", "modified_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "updated_on"]}),
        ("Search and sharing", {"fields": ["meta_description"]}),
        ("Content", {"fields": ["summary", "body", "occupation_cip_codes"]}),
        ("History", {"fields": ["published_on", "created_at", "modified_at"], "classes": ["collapse"]}),
    ]
    inlines = [GuideStepInline, GuideSourceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Guide]:
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description="steps", ordering="step_total")
    def step_count(self, guide: Guide) -> int:
        return guide.step_total

    def save_model(self, request: HttpRequest, obj: Guide, form, change: bool) -> None:
        _warn_if_stripped(request, form.cleaned_data.get("body", ""), "the body")
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is GuideStep:
            for step_form in formset.forms:
                if step_form.has_changed() and "body" in step_form.cleaned_data:
                    title = step_form.cleaned_data.get("title") or "a step"
                    _warn_if_stripped(request, step_form.cleaned_data["body"], f"“{title}”")
        super().save_formset(request, form, formset, change)
