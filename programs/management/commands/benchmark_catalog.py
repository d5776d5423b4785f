"""Time the catalog pages against the database in use (the real catalog in db.sqlite3 by default)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import override_settings

from programs.models import Program

DEFAULT_URLS = [
    "/programs/",
    "/programs/?page=10",
    "/programs/?delivery=online&credential=certificate&length=under_12_weeks&length=under_1_year",
    "/programs/?q=coding&state=TX&sort=tuition",
    "/programs/?accreditation=institutional&education=1&max_tuition=5000&cip=51.0713&cip=51.0707&sort=completions",
    "/programs/?certification=CCS&accreditation=cahiim&delivery=online&sort=shortest",
]


class Command(BaseCommand):
    help = (
        "Render catalog pages N times each through the full Django stack (middleware, views, templates) "
        "against the configured database and print the median and 95th percentile server time and the "
        "number of queries. Point DATABASE_URL at another database to measure it instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=50, help="Timed renders per URL (default 50).")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed renders first (default 3).")
        parser.add_argument(
            "--url", action="append", dest="urls", metavar="PATH", help="A path to time (repeat for several)."
        )
        parser.add_argument(
            "--htmx", action="store_true", help="Also time each list URL as an htmx request (the partial)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runs: int = options["runs"]
        warmup: int = options["warmup"]
        urls: list[str] | None = options["urls"]
        if runs < 2:
            raise CommandError("--runs must be at least 2 to give a 95th percentile.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database has unapplied migrations: run `manage.py migrate` first.")
        listed = Program.objects.listed()
        total = listed.count()
        if not total:
            raise CommandError("The catalog is empty: run `manage.py import_catalog` first.")
        if urls is None:
            top = listed.order_by("-completions", "pk").first()
            urls = [*DEFAULT_URLS, top.get_absolute_url()]

        database = settings.DATABASES["default"]
        self.stdout.write(
            f"Database: {connection.vendor} {database['NAME']}; {total:,} listed programs; "
            f"{runs} runs per URL after {warmup} warm-up renders."
        )
        self.stdout.write(
            "Wall time is what a visitor waits for the server; CPU time is the work alone, which stays "
            "steady when other processes share the machine."
        )
        self.stdout.write(f"{'median':>9} {'p95':>9} {'max':>9} {'CPU med':>9} {'queries':>8}  url")
        cases = [(url, {}) for url in urls]
        if options["htmx"]:
            cases += [(url, {"HTTP_HX_REQUEST": "true"}) for url in urls if url.startswith("/programs/?")]
        client = Client()
        # The test client calls itself "testserver"; allow it for this process only.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for url, headers in cases:
                self._time(client, url, headers, runs=runs, warmup=warmup)

    def _time(self, client: Client, url: str, headers: dict[str, str], *, runs: int, warmup: int) -> None:
        queries: list[str] = []

        def count(
            execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
        ) -> Any:
            queries.append(sql)
            return execute(sql, params, many, context)

        # A wrapper, not CaptureQueriesContext: each request opens and closes its own connection.
        with connection.execute_wrapper(count):
            self._get(client, url, headers)
        for _ in range(warmup - 1):
            self._get(client, url, headers)
        timings, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            self._get(client, url, headers)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
        label = f"{url} (htmx)" if headers else url
        self.stdout.write(
            f"{median:7.1f}ms {p95:7.1f}ms {max(timings):7.1f}ms {statistics.median(cpu):7.1f}ms "
            f"{len(queries):>8}  {label}"
        )

    def _get(self, client: Client, url: str, headers: dict[str, str]) -> None:
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}.")
