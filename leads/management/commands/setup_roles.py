"""manage.py setup_roles: create or correct the listing editor, campaign manager and lead exporter groups."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from leads.roles import ROLES, setup_roles


class Command(BaseCommand):
    help = (
        "Create the staff roles (groups) Listing editor, Campaign manager and Lead exporter, and "
        "make each hold exactly its permissions (leads/roles.py). Safe to run again: it changes "
        "only what differs. Add staff to a group in the admin (Users > Groups)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would change; change nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        with transaction.atomic():
            changes = setup_roles(dry_run=dry_run)
        for change in changes:
            if not change.changed:
                self.stdout.write(f"{change.role}: up to date ({len(ROLES[change.role])} permissions).")
                continue
            what = ["created" if change.created else "updated"]
            if change.added:
                what.append(f"{len(change.added)} permission(s) added: {', '.join(change.added)}")
            if change.removed:
                what.append(f"{len(change.removed)} removed: {', '.join(change.removed)}")
            message = f"{change.role}: {'; '.join(what)}"
            if dry_run:
                self.stdout.write(f"{message} (dry run: nothing changed)")
            else:
                self.stdout.write(self.style.SUCCESS(message))
