from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import services
from .catalog_links import catalog_url
from .models import Guide
from .seo import absolute_url, guide_structured_data, json_ld
from .sitemaps import SITEMAPS, render_urlset


@require_GET
def guide_list(request: HttpRequest) -> HttpResponse:
    guides = Guide.objects.published().only("title", "slug", "summary", "updated_on")
    return render(
        request, "guides/list.html", {"guides": guides, "canonical_url": absolute_url(request.path)}
    )


@require_GET
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Editors preview drafts at the public address; everyone else gets a 404 until it is published.
    visible = Guide.objects.all() if request.user.has_perm("guides.view_guide") else Guide.objects.published()
    guide = visible.filter(slug=slug).first()
    if guide is None:
        raise Http404("No such guide.")
    steps = list(guide.steps.all())
    cip_codes = services.guide_cip_codes(guide=guide)
    context = {
        "guide": guide,
        "steps": steps,
        "sources": list(guide.sources.all()),
        "occupations": services.guide_occupations(guide=guide),
        "certificate_lengths": services.certificate_lengths(guide=guide),
        "popular": services.popular_programs(guide=guide, cip_codes=cip_codes),
        "popular_all_url": catalog_url(urlencode([("cip", code) for code in guide.cip_codes])),
        "catalog_import": services.catalog_imported_on(),
        "oews_release": services.OEWS_RELEASE,
        "projections_period": services.PROJECTIONS_PERIOD,
        "completions_year": services.COMPLETIONS_YEAR,
        "canonical_url": absolute_url(guide.get_absolute_url()),
        "structured_data": json_ld(guide_structured_data(guide=guide, steps=steps)),
    }
    response = render(request, "guides/detail.html", context)
    if not guide.is_published:
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Cache-Control"] = "private, no-store"
    return response


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # The wizard's start page may be indexed; its steps, answers and results may not.
        "Disallow: /match/",
        "Allow: /match/$",
        "",
        f"Sitemap: {absolute_url(reverse('sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@x_robots_tag
@require_GET
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Django's index view, but with SITE_URL addresses (see sitemaps.SiteUrlSitemap)."""
    items: list[SitemapIndexItem] = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        items.append(SitemapIndexItem(location, lastmod))
        items.extend(
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        )
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml")


@x_robots_tag
@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404("No such sitemap.")
    try:
        urls = sitemap_class().get_urls(page=request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page.") from None
    return HttpResponse(render_urlset(urls), content_type="application/xml")
