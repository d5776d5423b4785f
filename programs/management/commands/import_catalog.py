"""Load the catalog from the official public files (IPEDS, CIP, DAPIP, College Scorecard, BLS)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.importing.catalog import (
    DEFAULT_CIP_FAMILY,
    DEFAULT_DATA_DIR,
    ImportScopeError,
    Sources,
    catalog_is_current,
    import_catalog,
)
from programs.importing.common import Report
from programs.importing.files import ImportFileError, cip6


def cip_family(text: str) -> str:
    """A CIP prefix: 2 digits (51), 4 digits (51.07) or 6 digits (51.0713)."""
    text = text.strip()
    if len(text) == 2 and text.isdigit():
        return text
    if len(text) == 5 and text[:2].isdigit() and text[2] == "." and text[3:].isdigit():
        return text
    try:
        return cip6(text)
    except ValueError:
        raise CommandError(f"--cip {text!r} is not a CIP code such as 51, 51.07 or 51.0713.") from None


class Command(BaseCommand):
    help = (
        "Import the catalog from the official IPEDS, CIP, DAPIP, College Scorecard and BLS files. "
        "Idempotent: a second run updates, never duplicates. A bad file stops the import and "
        "leaves the database as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--cip",
            default=DEFAULT_CIP_FAMILY,
            help=f"CIP family to import, for example {DEFAULT_CIP_FAMILY} (the default) or 51.0713.",
        )
        scope.add_argument("--all", action="store_true", help="Import every program in the country.")
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help="Folder holding the official files (default: the copies shipped in programs/data).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then roll back.")
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Do nothing when the last import loaded the same files with the same options.",
        )

    def handle(self, *args, **options) -> None:
        family = None if options["all"] else cip_family(options["cip"])
        sources = Sources.in_folder(options["data_dir"])
        scope = family or "all programs"
        started = time.monotonic()
        try:
            if options["if_changed"] and catalog_is_current(sources=sources, cip_family=family):
                self.stdout.write(f"The catalog ({scope}) is already up to date.")
                return
            self.stdout.write(f"Importing the catalog ({scope}) from {options['data_dir']}")
            summary = import_catalog(
                sources=sources, cip_family=family, report=self._progress(), dry_run=options["dry_run"]
            )
        except (ImportFileError, ImportScopeError) as exc:
            self._end_progress()
            raise CommandError(f"Import stopped, nothing was changed. {exc}") from None
        self._end_progress()
        for name, counts in summary.counts.items():
            # Always the four main figures; "removed" only when something was.
            shown = {label: value for label, value in counts.as_dict().items() if value or label != "removed"}
            parts = ", ".join(f"{value:,} {label}" for label, value in shown.items())
            self.stdout.write(f"  {name}: {parts}")
        for note in summary.notes:
            self.stdout.write(self.style.WARNING(f"  note: {note}"))
        verb = "Checked (dry run, rolled back)" if options["dry_run"] else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} in {time.monotonic() - started:.1f} s."))

    def _progress(self) -> Report:
        interactive = hasattr(self.stdout, "isatty") and self.stdout.isatty()
        self._drawn = False

        def report(label: str, done: int) -> None:
            if interactive:
                self._drawn = True
                self.stdout.write(f"\r  {label}: {done:,} rows", ending="")
                self.stdout.flush()

        return report

    def _end_progress(self) -> None:
        if getattr(self, "_drawn", False):
            self.stdout.write("\r\033[K", ending="")
            self._drawn = False
