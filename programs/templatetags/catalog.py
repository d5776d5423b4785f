"""Small template filters for the catalog pages."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django import template
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from programs.facets import Facet

register = template.Library()


@register.filter
def thousands(value: int | None) -> str:
    """4725 -> "4,725". The site is U.S. English only, and humanize's intcomma (locale-aware) costs
    about ten times more; the catalog page shows a few hundred numbers."""
    if value is None:
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@register.filter
def dollars(value: int | None) -> str:
    """5000 -> "$5,000"."""
    formatted = thousands(value)
    return f"${formatted}" if formatted else ""


@register.filter
def printable(value: object) -> str:
    """A visitor's text echoed back into a field, without control characters such as NUL."""
    return "".join(ch for ch in str(value) if ch.isprintable())


@register.simple_tag
def facet_choices(facet: Facet) -> SafeString:
    """The checkboxes of one filter with their counts.

    Built in Python rather than in a template loop: the catalog page shows over a hundred choices,
    and both the template language and format_html spend about ten times longer on each one than
    this does. Every value from the data goes through html.escape.
    """
    invalid = ' aria-invalid="true"' if facet.errors else ""
    name = escape(facet.name)
    html = [
        f'<label class="choice{"" if choice.count else " choice-empty"}" for="{escape(choice.input_id)}">'
        f'<input type="checkbox" name="{name}" value="{escape(choice.value)}" id="{escape(choice.input_id)}"'
        f"{' checked' if choice.selected else ''}{invalid}> "
        f'<span class="choice-label">{escape(choice.label)}</span> '
        f'<span class="count" data-count>{choice.count:,}'
        f'<span class="visually-hidden"> program{"" if choice.count == 1 else "s"}</span></span></label>'
        for choice in facet.choices
    ]
    return mark_safe("\n".join(html))  # noqa: S308 (every interpolated value is escaped above)
