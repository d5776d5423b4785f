"""Small template filters for the catalog pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.html import format_html_join
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

    Built with format_html rather than a template loop: the catalog page shows over a hundred
    choices, and the template language spends about ten times longer on each one.
    """
    invalid = mark_safe(' aria-invalid="true"') if facet.errors else ""
    checked = mark_safe(" checked")
    return format_html_join(
        "\n",
        '<label class="choice{}" for="{}"><input type="checkbox" name="{}" value="{}" id="{}"{}{}> '
        '<span class="choice-label">{}</span> <span class="count" data-count>{}'
        '<span class="visually-hidden"> program{}</span></span></label>',
        (
            (
                "" if choice.count else " choice-empty",
                choice.input_id,
                facet.name,
                choice.value,
                choice.input_id,
                checked if choice.selected else "",
                invalid,
                choice.label,
                f"{choice.count:,}",
                "" if choice.count == 1 else "s",
            )
            for choice in facet.choices
        ),
    )
