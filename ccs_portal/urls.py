from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from guides import views as guide_views

urlpatterns = [
    path("", include("programs.urls")),
    path("", include("leads.urls")),
    path("", include("guides.urls")),
    path("robots.txt", guide_views.robots_txt, name="robots-txt"),
    path("sitemap.xml", guide_views.sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", guide_views.sitemap_section, name="sitemap-section"),
    path("admin/", admin.site.urls),
]
