from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from . import program_page
from .facets import catalog_counts
from .filters import ProgramFilter
from .models import Accreditation, CatalogImport, Occupation, Program
from .ranking import with_sponsorship
from .states import state_name

PAGE_SIZE = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    listed = Program.objects.listed()
    context = {
        "program_count": listed.count(),
        "institution_count": listed.values("institution").distinct().count(),
        "canonical_url": settings.SITE_URL + request.path,
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


class CountedPaginator(Paginator):
    """A paginator told the total up front: the facet query has already counted the results."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@require_GET
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def program_list(request: HttpRequest) -> HttpResponse:
    filterset = ProgramFilter(request.GET, queryset=Program.objects.listed())
    query = filterset.valid_query()
    counts = catalog_counts(filterset, query=query)
    paginator = CountedPaginator(filterset.qs.for_listing(), PAGE_SIZE, count=counts.total)
    page = paginator.get_page(request.GET.get("page"))
    # htmx swaps only the results and counts; a history restore (back button) needs the whole page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "counts": counts,
        "facets": counts.facets,
        "page": page,
        "programs": page.object_list,
        "query": query,
        "education": filterset.value("education"),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "canonical_url": settings.SITE_URL + request.path,
        "oob_status": partial,
    }
    return render(request, "programs/list.html#results" if partial else "programs/list.html", context)


@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(with_sponsorship(Program.objects.listed().for_listing()), slug=slug)
    institution = program.institution
    school_accreditations = list(
        institution.accreditations.filter(scope=Accreditation.Scope.INSTITUTIONAL).select_related(
            "accreditor"
        )
    )
    program_accreditations = list(program.accreditations.select_related("accreditor"))
    occupations = list(
        Occupation.objects.filter(cip_codes=program.cip_id).order_by("-annual_openings", "title")
    )
    others = (
        Program.objects.listed()
        .filter(institution=institution)
        .exclude(pk=program.pk)
        .select_related("cip")
        .order_by("award_level", "cip_id")[:20]
    )
    canonical_url = settings.SITE_URL + program.get_absolute_url()
    context = {
        "program": program,
        "institution": institution,
        "field_title": program.cip.title.rstrip("."),
        "state_name": state_name(institution.state),
        "school_accreditations": program_page.accreditation_rows(school_accreditations),
        "program_accreditations": program_page.accreditation_rows(program_accreditations),
        "outcomes": program_page.outcome_rows(program),
        "scorecard_credential": program_page.scorecard_credential(program),
        "occupations": occupations,
        "other_programs": others,
        "canonical_url": canonical_url,
        "page_title": f"{program.title} ({program.get_award_level_display()}), {institution.name}",
        "description": program_page.meta_description(program),
        "json_ld": program_page.json_ld(program, url=canonical_url, occupations=occupations),
    }
    return render(request, "programs/detail.html", context)


@require_GET
def about_data(request: HttpRequest) -> HttpResponse:
    listed = Program.objects.listed()
    context = {
        "latest_import": CatalogImport.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at")
        .first(),
        "program_count": listed.count(),
        "institution_count": listed.values("institution").distinct().count(),
        "canonical_url": settings.SITE_URL + request.path,
    }
    return render(request, "about/data.html", context)
