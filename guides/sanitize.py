"""The HTML an editor may put in a guide: headings, paragraphs, lists, links, emphasis, tables.

Everything else (scripts, styles, event handlers, images, iframes, javascript: links) is removed.
It runs when a guide is saved and again when it is rendered, so a row written some other way
(a shell, an older release, a restored backup) still cannot put script on a public page.
"""

from __future__ import annotations

from html.parser import HTMLParser

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "h2", "h3", "h4", "p", "ul", "ol", "li", "a", "strong", "em",
        "table", "caption", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
# Editors link out to sources; nofollow keeps us from passing ranking to them by accident.
LINK_REL = "nofollow noopener"


def _safe_href(tag: str, attribute: str, value: str) -> str | None:
    """Keep http(s) links and site-relative paths; drop every other scheme (javascript:, data:...)."""
    if tag != "a" or attribute != "href":
        return value
    href = value.strip()
    lowered = href.lower()
    if lowered.startswith(("https://", "http://")):
        return href
    # A path on this site, but not "//host" (which browsers treat as another site).
    if href.startswith("/") and not href.startswith("//") and "\\" not in href:
        return href
    return None


_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "textarea"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_safe_href,
    url_schemes={"http", "https"},
    link_rel=LINK_REL,
    strip_comments=True,
)


def sanitize_html(html: str) -> str:
    """The editor's HTML reduced to the allowed subset (idempotent)."""
    return _cleaner.clean(html or "").strip()


def render_html(html: str) -> SafeString:
    """Sanitised again at render time, then marked safe for the template."""
    return mark_safe(sanitize_html(html))  # noqa: S308 (sanitised on the line itself)


class _MarkupAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[str] = []

    def _note(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._note(f"<{tag}>")
            return
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and not (tag == "a" and name == "rel"):
                self._note(f"{name}=")
            elif tag == "a" and name == "href" and _safe_href(tag, name, value or "") is None:
                self._note(f"link to {(value or '').strip()[:40]!r}")

    def handle_comment(self, data: str) -> None:
        self._note("<!-- comments -->")


def removed_markup(html: str) -> list[str]:
    """What sanitize_html would take out of `html`, described for the editor."""
    audit = _MarkupAudit()
    audit.feed(html or "")
    audit.close()
    return audit.removed
