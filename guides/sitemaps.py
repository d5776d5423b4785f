"""sitemap.xml: the home page, the catalog, published guides and every listed program page.

The national catalog holds about 287,000 programs, more than the 50,000 URLs one sitemap may
list, so /sitemap.xml is an index of paginated sections (/sitemap-programs.xml?p=2 ...).
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from programs.models import Program

from .catalog_links import CATALOG_PATH
from .models import Guide

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class SiteUrlSitemap(Sitemap):
    """Builds addresses from SITE_URL, so they match the canonical links whatever host was asked."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            reverse("programs:home"),
            CATALOG_PATH,
            reverse("guides:list"),
            reverse("programs:about_data"),
        ]

    def location(self, item: str) -> str:
        return item


class GuideSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().only("slug", "updated_on").order_by("pk")

    def lastmod(self, guide: Guide) -> datetime.date:
        return guide.updated_on

    def get_latest_lastmod(self) -> datetime.date | None:
        return Guide.objects.published().aggregate(latest=Max("updated_on"))["latest"]


class ProgramSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def __init__(self) -> None:
        # Program.get_absolute_url() once, with a placeholder slug: a page is 50,000 rows and
        # reversing each one would be most of the work.
        self._path = reverse("programs:detail", kwargs={"slug": "slug-placeholder"})

    def items(self):
        return Program.objects.listed().order_by("pk").values_list("slug", "updated_at")

    def location(self, item: tuple[str, datetime.datetime]) -> str:
        return self._path.replace("slug-placeholder", item[0])

    def lastmod(self, item: tuple[str, datetime.datetime]) -> datetime.datetime:
        return item[1]

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # The default would load every program to find the newest.
        return Program.objects.listed().aggregate(latest=Max("updated_at"))["latest"]


def render_urlset(urls: list[dict[str, Any]]) -> str:
    """The <urlset> document, written directly: Django's template takes ~10 s for 50,000 URLs."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for url in urls:
        entry = f"<url><loc>{escape(url['location'])}</loc>"
        if url["lastmod"]:
            entry += f"<lastmod>{url['lastmod']:%Y-%m-%d}</lastmod>"
        if url["changefreq"]:
            entry += f"<changefreq>{url['changefreq']}</changefreq>"
        lines.append(entry + "</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines)


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PageSitemap,
    "guides": GuideSitemap,
    "programs": ProgramSitemap,
}
