"""Search and sharing metadata for guide pages: canonical URL and schema.org JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import Guide, GuideStep

SITE_NAME = "CodingPath"

# The characters json_script escapes, so "</script>" inside a value cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str) -> str:
    """settings.SITE_URL + path: the one address search engines should index."""
    return f"{settings.SITE_URL}{path}"


def json_ld(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> data block (not executed, so the strict CSP allows it)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)


def _plain(html: str) -> str:
    return " ".join(strip_tags(html).split())


def guide_structured_data(*, guide: Guide, steps: list[GuideStep]) -> dict[str, Any]:
    url = absolute_url(guide.get_absolute_url())
    publisher = {"@type": "Organization", "name": SITE_NAME, "url": absolute_url("/")}
    article: dict[str, Any] = {
        "@type": "Article",
        "@id": f"{url}#article",
        "headline": guide.title,
        "description": guide.meta_description,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": "en-US",
        "dateModified": guide.updated_on.isoformat(),
        "author": publisher,
        "publisher": publisher,
    }
    if guide.published_on:
        article["datePublished"] = guide.published_on.isoformat()
    graph: list[dict[str, Any]] = [article]
    if steps:
        graph.append(
            {
                "@type": "HowTo",
                "@id": f"{url}#steps",
                "name": guide.title,
                "description": guide.summary,
                "step": [
                    {
                        "@type": "HowToStep",
                        "position": number,
                        "name": step.title,
                        "text": _plain(step.body_html()),
                        "url": f"{url}#step-{number}",
                    }
                    for number, step in enumerate(steps, start=1)
                ],
            }
        )
    return {"@context": "https://schema.org", "@graph": graph}
