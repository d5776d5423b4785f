from __future__ import annotations

import pytest

from guides.sanitize import removed_markup, render_html, sanitize_html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>"),
        ('<p onclick="steal()">Hi</p>', "<p>Hi</p>"),
        ('<img src="x" onerror="alert(1)">', ""),
        ("<style>body{display:none}</style><p>x</p>", "<p>x</p>"),
        ('<h2 style="color:red" id="a" class="b">Title</h2>', "<h2>Title</h2>"),
        ("<iframe src='https://evil.example'></iframe>ok", "ok"),
        ("<svg><script>alert(1)</script></svg>", ""),
        ("<h1>Big</h1>", "Big"),
        ("<p>a &lt;script&gt; b</p>", "<p>a &lt;script&gt; b</p>"),
        ("<!-- note --><p>x</p>", "<p>x</p>"),
    ],
)
def test_sanitize_html_keeps_only_the_allowed_subset(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/path",
        "mailto:someone@example.com",
    ],
)
def test_links_other_than_http_https_or_site_paths_lose_their_href(href: str) -> None:
    cleaned = sanitize_html(f'<a href="{href}">x</a>')

    assert "href" not in cleaned
    assert cleaned == '<a rel="nofollow noopener">x</a>'


def test_http_links_and_site_paths_are_kept_with_nofollow_noopener() -> None:
    cleaned = sanitize_html(
        '<a href="https://www.ahima.org/" target="_blank" rel="opener">AHIMA</a> '
        '<a href="/programs/?credential=certificate&delivery=online">catalog</a>'
    )

    assert cleaned == (
        '<a href="https://www.ahima.org/" rel="nofollow noopener">AHIMA</a> '
        '<a href="/programs/?credential=certificate&amp;delivery=online" rel="nofollow noopener">catalog</a>'
    )


def test_headings_lists_emphasis_and_tables_survive() -> None:
    html = (
        "<h2>A</h2><h3>B</h3><h4>C</h4><p><strong>s</strong> <em>e</em></p>"
        "<ul><li>u</li></ul><ol><li>o</li></ol>"
        '<table><caption>t</caption><thead><tr><th scope="col">h</th></tr></thead>'
        "<tbody><tr><td>d</td></tr></tbody></table>"
    )

    assert sanitize_html(html) == html


def test_sanitising_twice_changes_nothing() -> None:
    once = sanitize_html('<p onclick="x">a <a href="https://x.org">b</a></p><script>c</script>')

    assert sanitize_html(once) == once


def test_render_html_sanitises_again_and_marks_safe() -> None:
    rendered = render_html("<p>ok</p><script>alert(1)</script>")

    assert rendered == "<p>ok</p>"
    assert hasattr(rendered, "__html__")


def test_removed_markup_tells_the_editor_what_goes() -> None:
    removed = removed_markup(
        '<p onclick="x">a</p><script>b</script><a href="javascript:y">c</a><img src=x><!-- n -->'
    )

    assert removed == ["onclick=", "<script>", "link to 'javascript:y'", "<img>", "<!-- comments -->"]
    assert removed_markup('<h2>ok</h2><p><a href="https://x.org">x</a></p>') == []
