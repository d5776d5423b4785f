"""The README documents exactly the export's columns, in order (leads.exports.COLUMNS)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from leads.exports import HEADERS


def test_the_readme_lists_exactly_the_exported_headers_in_order() -> None:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "\n## Lead export\n" in readme, "README.md needs its '## Lead export' section with the columns"
    section = readme.split("\n## Lead export\n", 1)[1].split("\n## ", 1)[0]

    listed = re.findall(r"^\| (\d+) \| `([^`]+)` \|", section, flags=re.MULTILINE)

    assert [header for _n, header in listed] == list(HEADERS)
    assert [int(n) for n, _header in listed] == list(range(1, len(HEADERS) + 1))
