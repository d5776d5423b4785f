"""manage.py benchmark_catalog: times catalog pages and reports their query counts."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests import factories

pytestmark = pytest.mark.django_db


def test_prints_median_p95_cpu_and_queries_for_each_url() -> None:
    factories.real_catalog()
    out = io.StringIO()

    call_command("benchmark_catalog", "--runs", "3", "--warmup", "1", "--htmx", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"Database: {connection.vendor}")
    assert "45 listed programs; 3 runs per URL" in lines[0]
    # median, p95, max, CPU median, queries, then the URL (and "(htmx)" for the partial)
    rows = {" ".join(line.split()[5:]): line.split()[:5] for line in lines if "/programs/" in line}
    assert rows["/programs/"][4] == "9", "the default page runs 9 queries"
    assert all(figure.endswith("ms") for figure in rows["/programs/"][:4])
    assert "/programs/?page=10 (htmx)" in rows
    assert any(re.fullmatch(r"/programs/[a-z0-9-]+/", url) for url in rows), "the top program's page is timed"


def test_refuses_an_empty_catalog() -> None:
    with pytest.raises(CommandError, match="The catalog is empty"):
        call_command("benchmark_catalog", "--runs", "2", stdout=io.StringIO())


def test_times_the_paths_it_is_given() -> None:
    factories.program("sinclair", "51.0713", 21)
    out = io.StringIO()

    call_command("benchmark_catalog", "--runs", "2", "--url", "/programs/?state=OH", stdout=out)

    assert out.getvalue().rstrip().endswith("/programs/?state=OH")
