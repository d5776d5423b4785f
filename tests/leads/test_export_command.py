"""manage.py export_leads: the same CSV as the page, to a file or stdout, with clear errors."""

from __future__ import annotations

import datetime
import io
import re
import stat

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction

from leads import exports
from leads.models import LeadExport, LeadRequest
from tests import factories

from .export_support import EXPORTER_PERMISSIONS, make_lead, requests_of, rows, sponsor, user_with

pytestmark = pytest.mark.django_db

NOV_2 = datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)
DAYS = ["--since", "2026-11-01", "--until", "2026-11-30"]


@pytest.fixture
def owner():
    sinclair = factories.program("sinclair", "51.0713", 21)
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        make_lead(sinclair, email="ana@example.com")
        make_lead(sinclair, email="ben@example.com")
    return owner


def export(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_leads", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_a_new_private_file_and_logs_the_export(owner, tmp_path) -> None:
    path = tmp_path / "sinclair.csv"

    out, _err = export("--sponsor", "Sinclair CC", *DAYS, "--output", str(path))

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfLead request ID,")
    assert [r["Email"] for r in rows(data)] == ["ana@example.com", "ben@example.com"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not (tmp_path / "sinclair.csv.partial").exists()
    export_row = LeadExport.objects.get()
    assert (export_row.via, export_row.created_by, export_row.sponsor, export_row.row_count) == (
        "command",
        None,
        owner,
        2,
    )
    assert (
        f"Exported 2 lead request(s) for Sinclair CC, 2026-11-01 to 2026-11-30: export #{export_row.pk}."
        in out
    )
    assert "ana@example.com" not in out


def test_the_file_is_the_same_bytes_as_the_page_would_send(owner, tmp_path) -> None:
    path = tmp_path / "a.csv"
    with transaction.atomic():
        export("--sponsor", str(owner.pk), *DAYS, "--output", str(path), "--resend", "--no-bom")
        transaction.set_rollback(True)

    again = b"".join(
        exports.stream_export(
            exports.sponsor_export(
                sponsor=owner,
                since=datetime.date(2026, 11, 1),
                until=datetime.date(2026, 11, 30),
                via=LeadExport.Via.PAGE,
                resend=True,
                bom=False,
            )
        )
    )

    assert path.read_bytes() == again


def test_writes_to_stdout_with_messages_on_stderr(owner) -> None:
    out, err = export("--sponsor", "Sinclair CC", *DAYS, "--no-bom")

    assert out.startswith("Lead request ID,Created at,")
    assert out.endswith(",new\r\n")
    assert len(rows(out.encode())) == 2
    assert "Exported 2 lead request(s)" in err


def test_records_the_user_named(owner) -> None:
    user = user_with("ops", *EXPORTER_PERMISSIONS)

    export("--sponsor", "Sinclair CC", *DAYS, "--user", "ops")

    assert LeadExport.objects.get().created_by == user


def test_dry_run_counts_and_changes_nothing(owner, tmp_path) -> None:
    LeadRequest.objects.filter(lead__email="ben@example.com").update(status=LeadRequest.Status.DUPLICATE)

    out, _err = export("--sponsor", "Sinclair CC", *DAYS, "--output", str(tmp_path / "x.csv"), "--dry-run")

    assert "Dry run: would export 1 lead request(s) for Sinclair CC, 2026-11-01 to 2026-11-30" in out
    assert "1 not billable" in out
    assert not (tmp_path / "x.csv").exists()
    assert LeadExport.objects.count() == 0
    assert {r.export_id for r in requests_of(owner)} == {None}


def test_nothing_new_writes_no_file(owner, tmp_path) -> None:
    export("--sponsor", "Sinclair CC", *DAYS, "--output", str(tmp_path / "first.csv"))

    out, _err = export("--sponsor", "Sinclair CC", *DAYS, "--output", str(tmp_path / "second.csv"))

    assert "Nothing to export: 0 lead request(s)" in out
    assert "2 already exported" in out
    assert not (tmp_path / "second.csv").exists()
    assert LeadExport.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sponsor", "Nobody", *DAYS], "No sponsor has the id or exact name 'Nobody'. Sponsors: "),
        (["--sponsor", "sinclair cc", *DAYS], "No sponsor has the id or exact name 'sinclair cc'."),
        (["--sponsor", "999999", *DAYS], "No sponsor has the id or exact name '999999'."),
        (
            ["--sponsor", "Sinclair CC", "--since", "2026-13-01", "--until", "2026-11-30"],
            "--since must be a date",
        ),
        (
            ["--sponsor", "Sinclair CC", "--since", "2026-11-01", "--until", "30/11/2026"],
            "--until must be a date",
        ),
        (["--sponsor", "Sinclair CC", "--since", "2026-11-30", "--until", "2026-11-01"], "is after --until"),
        (["--sponsor", "Sinclair CC", *DAYS, "--user", "ghost"], "No user is called 'ghost'."),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(owner, args, message) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        export(*args)
    assert LeadExport.objects.count() == 0


def test_a_user_who_may_not_export_is_refused(owner) -> None:
    user_with("editor", "view_program")
    with pytest.raises(CommandError, match="editor may not export leads"):
        export("--sponsor", "Sinclair CC", *DAYS, "--user", "editor")
    assert LeadExport.objects.count() == 0


def test_never_overwrites_a_file(owner, tmp_path) -> None:
    path = tmp_path / "delivered.csv"
    path.write_text("an earlier delivery")

    with pytest.raises(CommandError, match="already exists"):
        export("--sponsor", "Sinclair CC", *DAYS, "--output", str(path))

    assert path.read_text() == "an earlier delivery"
    assert LeadExport.objects.count() == 0


def test_a_failure_part_way_leaves_no_file_and_marks_nothing(owner, tmp_path, monkeypatch) -> None:
    def broken(*_arguments, **_options):
        yield b"1,partial\r\n", 1
        raise OSError("disk full")

    monkeypatch.setattr(exports, "_orm_chunks", broken)
    monkeypatch.setattr(exports, "_copy_chunks", broken)

    with pytest.raises(OSError, match="disk full"):
        export("--sponsor", "Sinclair CC", *DAYS, "--output", str(tmp_path / "x.csv"))

    assert list(tmp_path.iterdir()) == []
    assert {r.export_id for r in requests_of(owner)} == {None}
    assert list(LeadExport.objects.values_list("completed", flat=True)) == [False]
