"""Lead export in the admin: the export page for a sponsor and period, and the changelist action.

Both answer with a StreamingHttpResponse over leads.exports.stream_export, so the header leaves at
once and memory stays flat however many rows go out. Only staff holding both
leads.export_leadrequest and leads.view_lead_personal_data export; everyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from .exports import (
    CONSENT_STANDS,
    Counts,
    ExportSpec,
    can_export,
    count_requests,
    sponsor_export,
    sponsor_filename,
    stream_export,
)
from .forms_export import SponsorExportForm
from .models import LeadExport, LeadRequest, Sponsor

EXPORT_ACTIONS = ("export_selected_as_csv", "resend_selected_as_csv")


def csv_response(spec: ExportSpec, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream_export(spec), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Accel-Buffering"] = "no"  # a proxy such as nginx passes rows on as they come
    add_never_cache_headers(response)  # Cache-Control: ... no-store ... (personal data)
    return response


def left_out(counts: Counts, *, resend: bool) -> list[str]:
    """What a selection holds that this export does not send, in words."""
    parts = []
    if counts.sent_before and not resend:
        parts.append(f"{counts.sent_before} already exported (re-send them on purpose if needed)")
    if counts.revoked:
        parts.append(f"{counts.revoked} whose visitor withdrew consent")
    if counts.not_billable:
        parts.append(f"{counts.not_billable} not billable (duplicate, rejected or over a cap)")
    return parts


# The export page -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest, *, model_admin: ModelAdmin) -> HttpResponse:
    """Pick a sponsor and days; "Count" previews, "Export CSV" streams the file."""
    if not can_export(request.user):
        raise PermissionDenied
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Export lead requests for a sponsor",
    }
    if request.method == "GET":
        today = timezone.localdate()
        initial: dict[str, Any] = {"since": today.replace(day=1), "until": today, "bom": True}
        sponsor_id = request.GET.get("sponsor", "")
        if sponsor_id.isdigit():
            initial["sponsor"] = Sponsor.objects.filter(pk=int(sponsor_id)).first()
        return _page(request, context | {"form": SponsorExportForm(initial=initial)})

    form = SponsorExportForm(request.POST)
    if not form.is_valid():
        return _page(request, context | {"form": form}, status=400)
    data = form.cleaned_data
    spec = sponsor_export(
        sponsor=data["sponsor"],
        since=data["since"],
        until=data["until"],
        via=LeadExport.Via.PAGE,
        user=request.user,
        resend=data["resend"],
        bom=data["bom"],
    )
    counts = count_requests(spec.selection)
    to_send = counts.to_send(resend=spec.resend)
    if "export" not in request.POST or not to_send:
        preview = {"counts": counts, "to_send": to_send, "left_out": left_out(counts, resend=spec.resend)}
        return _page(request, context | {"form": form, "preview": preview})
    filename = sponsor_filename(sponsor=spec.sponsor, since=spec.since, until=spec.until, resend=spec.resend)
    return csv_response(spec, filename=filename)


def _page(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    response = render(request, "admin/leads/export.html", context, status=status)
    add_never_cache_headers(response)
    return response


# The changelist action --------------------------------------------------------------------------


def deny_export_action(request: HttpRequest) -> None:
    """A POSTed export action from someone who may not export is refused outright (403).

    Django's changelist only offers the actions a user may run, and would answer a forged one with
    "No action selected"; the export says no plainly instead.
    """
    if (
        request.method == "POST"
        and request.POST.get("action") in EXPORT_ACTIONS
        and not can_export(request.user)
    ):
        raise PermissionDenied


def export_selected(
    model_admin: ModelAdmin, request: HttpRequest, queryset: QuerySet[LeadRequest], *, resend: bool
) -> HttpResponse | None:
    if not can_export(request.user):
        raise PermissionDenied
    selection = LeadRequest.objects.filter(pk__in=queryset.order_by().values("pk"))
    counts = count_requests(selection)
    to_send = counts.to_send(resend=resend)
    skipped = left_out(counts, resend=resend)
    if not to_send:
        detail = f": {'; '.join(skipped)}" if skipped else "."
        model_admin.message_user(request, f"Nothing to export in the selection{detail}", messages.WARNING)
        return None
    if skipped:
        model_admin.message_user(
            request, f"The CSV holds {to_send} request(s). Left out: {'; '.join(skipped)}.", messages.INFO
        )
    sponsors = list(
        selection.filter(CONSENT_STANDS, sponsorship__isnull=False)
        .values_list("sponsorship__sponsor", flat=True)
        .distinct()[:2]
    )
    sponsor = Sponsor.objects.get(pk=sponsors[0]) if len(sponsors) == 1 else None
    spec = ExportSpec(
        selection=selection,
        via=LeadExport.Via.ACTION,
        user=request.user,
        sponsor=sponsor,
        resend=resend,
        filters=_action_filters(request, queryset) | {"resend": resend},
    )
    today = timezone.localdate()
    name = slugify(sponsor.name)[:60].strip("-") if sponsor else "selected"
    return csv_response(
        spec, filename=f"leads-{name or 'selected'}-{today.isoformat()}{'-resend' if resend else ''}.csv"
    )


def _action_filters(request: HttpRequest, queryset: QuerySet[LeadRequest]) -> dict[str, Any]:
    """The selection, for the log: the ids ticked, or the changelist's filters when "select all"
    was used. Never the search box: it may hold an email address or a phone number."""
    if request.POST.get("select_across") == "1":
        filters = {key: value for key, value in request.GET.items() if key not in {"q", "p", "o"}}
        return {"select_across": True, "changelist_filters": filters, "searched": bool(request.GET.get("q"))}
    return {"lead_requests": sorted(queryset.values_list("pk", flat=True))}
