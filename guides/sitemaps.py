"""sitemap.xml: the home page, the catalog, published guides and every listed program page.

The national catalog holds about 287,000 programs, more than the 50,000 URLs one sitemap may
list, so /sitemap.xml is an index of paginated sections (/sitemap-programs.xml?p=2 ...).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from programs.models import Program

from .catalog_links import CATALOG_PATH
from .models import Guide


class SiteUrlSitemap(Sitemap):
    """Builds addresses from SITE_URL, so they match the canonical links whatever host was asked."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [reverse("programs:home"), CATALOG_PATH, reverse("guides:list")]

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

    def items(self):
        # Only the columns the URL and lastmod need: a page is 50,000 rows.
        return Program.objects.listed().only("slug", "updated_at").order_by("pk")

    def lastmod(self, program: Program) -> datetime.datetime:
        return program.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # The default would load every program to find the newest.
        return Program.objects.listed().aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PageSitemap,
    "guides": GuideSitemap,
    "programs": ProgramSitemap,
}
