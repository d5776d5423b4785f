"""Small template filters for the catalog pages."""

from __future__ import annotations

from django import template

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
