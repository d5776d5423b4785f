"""Write a sponsor's lead requests as CSV: the same file, code path and log as the export page."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from leads.export_views import left_out
from leads.exports import Outcome, can_export, count_requests, sponsor_export, stream_export
from leads.models import LeadExport, Sponsor


def _date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date like 2026-11-01, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Export a sponsor's billable lead requests created from --since to --until (whole days, site "
        "time zone) as CSV, to --output or standard output. By default only requests never exported "
        "go out, and they are marked as exported in this export; --resend also sends, on purpose, the "
        "ones exported before. Every export is logged (via: management command)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sponsor", required=True, help="The sponsor's id or exact name.")
        parser.add_argument("--since", required=True, metavar="YYYY-MM-DD", help="First day (inclusive).")
        parser.add_argument("--until", required=True, metavar="YYYY-MM-DD", help="Last day (inclusive).")
        parser.add_argument(
            "--output", metavar="FILE", help="Write here (a new file, readable by you only); default stdout."
        )
        parser.add_argument("--resend", action="store_true", help="Also send requests already exported.")
        parser.add_argument(
            "--user", metavar="USERNAME", help="Record this staff user (who must be allowed to export)."
        )
        parser.add_argument("--no-bom", action="store_true", help="No UTF-8 byte order mark (for Excel).")
        parser.add_argument(
            "--orm", action="store_true", help="Use the ORM path even on PostgreSQL (default: COPY)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would go out; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        sponsor = self._sponsor(options["sponsor"])
        since = _date(options["since"], "--since")
        until = _date(options["until"], "--until")
        if since > until:
            raise CommandError(f"--since ({since}) is after --until ({until}).")
        user = self._user(options["user"]) if options["user"] else None
        spec = sponsor_export(
            sponsor=sponsor,
            since=since,
            until=until,
            via=LeadExport.Via.COMMAND,
            user=user,
            resend=options["resend"],
            bom=not options["no_bom"],
            use_copy=False if options["orm"] else None,
        )
        counts = count_requests(spec.selection)
        to_send = counts.to_send(resend=spec.resend)
        skipped = left_out(counts, resend=spec.resend)
        summary = f"{to_send} lead request(s) for {sponsor.name}, {since} to {until}"
        if skipped:
            summary += f" (left out: {'; '.join(skipped)})"
        output: str | None = options["output"]
        # With the CSV on stdout, messages go to stderr so the file stays clean.
        say = self.stderr if output is None else self.stdout
        if options["dry_run"]:
            say.write(f"Dry run: would export {summary}. Nothing was written or marked.")
            return
        if not to_send:
            say.write(self.style.WARNING(f"Nothing to export: {summary}. No file was written."))
            return
        outcome = Outcome()
        if output is None:
            self._to_stdout(stream_export(spec, outcome))
        else:
            self._to_file(stream_export(spec, outcome), Path(output))
        done = f"Exported {outcome.rows} lead request(s) for {sponsor.name}, {since} to {until}"
        say.write(self.style.SUCCESS(f"{done}: export #{outcome.export.pk}."))

    def _sponsor(self, value: str) -> Sponsor:
        sponsor = Sponsor.objects.filter(pk=int(value)).first() if value.isdigit() else None
        sponsor = sponsor or Sponsor.objects.filter(name=value).first()
        if sponsor is None:
            known = ", ".join(f"{s.pk}: {s.name}" for s in Sponsor.objects.order_by("name")[:20])
            raise CommandError(
                f"No sponsor has the id or exact name {value!r}. Sponsors: {known or 'none yet'}."
            )
        return sponsor

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not can_export(user):
            raise CommandError(
                f"{username} may not export leads: it takes an active staff account with the "
                "leads.export_leadrequest and leads.view_lead_personal_data permissions."
            )
        return user

    def _to_file(self, chunks, path: Path) -> None:
        """Write to FILE.partial and rename at the end, so a failed export leaves no half file."""
        if path.exists():
            raise CommandError(f"{path} already exists; choose a new file name.")
        partial = path.with_name(path.name + ".partial")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise CommandError(f"Cannot write {partial}: {error.strerror}.") from None
        try:
            with os.fdopen(fd, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
            partial.rename(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def _to_stdout(self, chunks) -> None:
        stream = self.stdout._out
        binary = getattr(stream, "buffer", None) if stream is sys.stdout else None
        for chunk in chunks:
            # Chunks hold whole rows, so each decodes on its own.
            if binary is not None:
                binary.write(chunk)
            else:
                stream.write(chunk.decode())
        stream.flush()
