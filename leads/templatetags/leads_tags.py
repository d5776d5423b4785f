"""Template helpers for the match wizard and the reusable match widget."""

from __future__ import annotations

from django import template
from django.forms import BoundField

from programs.choices import EducationLevel

from ..wizard import UTM_KEYS

register = template.Library()


@register.simple_tag
def described_by(field: BoundField, extra_help: str = "") -> str:
    """The ids a fieldset's aria-describedby lists: its help texts, then its errors."""
    ids = []
    if extra_help:
        ids.append(f"{field.auto_id}_help")
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag(takes_context=True)
def match_widget_data(context: template.Context) -> dict[str, object]:
    """What the match widget needs on any page: the education levels and the page's UTM tags."""
    request = context.get("request")
    utm = []
    if request is not None:
        for key in UTM_KEYS:
            value = request.GET.get(key, "")[:100]
            if value:
                utm.append((key, value))
    return {
        "choices": EducationLevel.choices,
        "utm": utm,
        "source_page": request.path if request is not None else "",
    }
