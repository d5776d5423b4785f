"""The import_catalog command on small slices of the real files: what it loads, and how it re-runs."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from programs.choices import Delivery, LengthBand
from programs.models import (
    Accreditation,
    Accreditor,
    CatalogImport,
    CipCode,
    Institution,
    Occupation,
    Program,
)
from tests.programs.data import SLICES, copy_slices, rewrite_slice

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_slices(tmp_path / "data")


def run(data: Path, *args: str, stdout: io.StringIO | None = None) -> str:
    out = stdout or io.StringIO()
    call_command("import_catalog", "--data-dir", str(data), *args, stdout=out)
    return out.getvalue()


def slice_programs(prefix: str = "") -> set[tuple[int, str, int]]:
    """The programs a slice of C2024_A lists (first majors, not the '99' totals, CIP codes in CIP 2020)."""
    with (SLICES / "cip" / "CIPCode2020.csv").open(encoding="utf-8-sig", newline="") as handle:
        known = {row["CIPCode"] for row in csv.DictReader(handle)}
    with (SLICES / "ipeds" / "c2024_a.csv").open(encoding="utf-8", newline="") as handle:
        return {
            (int(row["UNITID"]), row["CIPCODE"], int(row["AWLEVEL"]))
            for row in csv.DictReader(handle)
            if row["MAJORNUM"] == "1" and row["CIPCODE"].startswith(prefix) and row["CIPCODE"] in known
        }


def db_programs() -> set[tuple[int, str, int]]:
    return set(Program.objects.values_list("institution__unitid", "cip_id", "award_level"))


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Program, Institution, Accreditation, Accreditor, CipCode, Occupation)
    } | {"occupation links": Occupation.cip_codes.through.objects.count()}


def edit_sinclair_coders(content: bytes) -> bytes:
    """Sinclair's medical coding certificate (a real row) with 35 completions instead of 31."""
    assert b"205470,51.0713,1,21,31," in content
    return content.replace(b"205470,51.0713,1,21,31,", b"205470,51.0713,1,21,35,")


def program(unitid: int, cip: str, award: int) -> Program:
    return Program.objects.select_related("institution").get(
        institution__unitid=unitid, cip_id=cip, award_level=award
    )


def test_the_default_import_loads_every_5107_program_of_the_slice(data: Path) -> None:
    output = run(data)

    expected = slice_programs("51.07")
    assert db_programs() == expected
    assert set(Institution.objects.values_list("unitid", flat=True)) == {u for u, _c, _a in expected}
    assert f"programs: {len(expected)} created, 0 updated, 0 unchanged, 0 skipped" in output
    assert "institutions: 10 created, 0 updated, 0 unchanged, 0 skipped" in output
    assert CatalogImport.objects.get().scope == "51.07"


def test_a_second_run_updates_and_never_duplicates(data: Path) -> None:
    run(data)
    first = table_counts()

    output = run(data)

    assert table_counts() == first
    assert f"programs: 0 created, 0 updated, {first['Program']} unchanged, 0 skipped" in output
    assert f"institutions: 0 created, 0 updated, {first['Institution']} unchanged" in output
    assert f"institutional accreditations: 0 created, 0 updated, {first['Accreditation']} unchanged" in output


def test_a_value_changed_in_a_file_is_updated_on_the_next_run(data: Path) -> None:
    run(data)
    coder = program(205470, "51.0713", 21)
    assert coder.completions == 31
    count = Program.objects.count()
    assert Institution.objects.get(unitid=205470).tuition_in_state == 4569
    # The same real rows with a different completions count and a different in-state tuition.
    rewrite_slice(data, "ipeds/c2024_a.csv", edit_sinclair_coders)
    rewrite_slice(data, "ipeds/tuition_fees_2023_24.csv", lambda c: c.replace(b",8316,4569", b",8316,4600"))

    output = run(data)

    coder.refresh_from_db()
    assert coder.completions == 35
    assert Institution.objects.get(unitid=205470).tuition_in_state == 4600
    assert Program.objects.count() == count
    assert "programs: 0 created, 1 updated" in output
    assert "institutions: 0 created, 1 updated" in output


def test_a_program_ipeds_no_longer_reports_stays_but_is_not_listed(data: Path) -> None:
    run(data)
    receptionist = program(205470, "51.0712", 21)
    rewrite_slice(data, "ipeds/c2024_a.csv", lambda c: c.replace(b"205470,51.0712,1,21,21,2,19\n", b""))

    output = run(data)

    receptionist.refresh_from_db()
    assert not receptionist.active
    assert receptionist not in Program.objects.listed()
    assert "1 removed" in output
    assert Program.objects.count() == len(slice_programs("51.07"))


def test_a_dapip_record_no_longer_in_the_file_is_removed(data: Path) -> None:
    run(data)
    assert Accreditation.objects.filter(institution__unitid=149310).count() == 3
    rewrite_slice(
        data,
        "accreditation/dapip_accreditation_2020.csv",
        lambda c: b"".join(
            line for line in c.splitlines(keepends=True) if b"Preaccredited,2/21/2013" not in line
        ),
    )

    output = run(data)

    taylor = Accreditation.objects.filter(institution__unitid=149310)
    assert sorted(taylor.values_list("status", flat=True)) == ["accredited", "accredited"]
    assert "institutional accreditations: 0 created, 0 updated" in output
    assert "1 removed" in output


def test_institution_quirks_zip4_web_address_and_signed_coordinates(data: Path) -> None:
    run(data)

    sinclair = Institution.objects.get(unitid=205470)
    assert (sinclair.name, sinclair.city, sinclair.state) == ("Sinclair Community College", "Dayton", "OH")
    assert sinclair.zip_code == "45402"  # HD: 45402-1460
    assert sinclair.website == "https://www.sinclair.edu/"  # HD: www.sinclair.edu/
    assert sinclair.longitude == pytest.approx(-84.200628)
    assert sinclair.control == 1
    assert sinclair.closed_on is None  # CLOSEDAT -2: not applicable
    assert Institution.objects.get(unitid=207342).website == "https://ouhsc.edu/"
    assert Institution.objects.get(unitid=128780).website == "https://www.charteroak.edu/"
    # No IPEDS "not reported" code ended up stored as a number.
    for field in ("control", "fall_enrollment", "tuition_in_state", "tuition_out_of_state"):
        assert not Institution.objects.filter(**{f"{field}__lt": 0}).exists()
    assert not Program.objects.filter(completions__lt=0).exists()


def test_closed_institutions_are_kept_but_not_listed(data: Path) -> None:
    run(data)

    valley = Institution.objects.get(unitid=449445)  # CYACTIVE 1 with CLOSEDAT 07/30/2024
    assert not valley.active
    assert valley.closed_on == datetime.date(2024, 7, 30)
    assert valley.programs.count() == 2
    assert not Program.objects.listed().filter(institution=valley).exists()
    assert Program.objects.listed().filter(institution__unitid=205470).count() == 9


def test_cyactive_3_closes_an_institution_with_or_without_a_closing_date(data: Path) -> None:
    """No school with CYACTIVE 3 reports completions, so load the directory rows directly."""
    from programs.importing.catalog import Sources, load_institutions
    from programs.importing.common import Summary, no_report

    summary = Summary(scope="test")
    loaded = load_institutions(Sources.in_folder(data), {100937, 131098, 205470}, summary, no_report)

    assert loaded[100937].active is False  # Birmingham-Southern College, CLOSEDAT 07/31/2024
    assert loaded[100937].closed_on == datetime.date(2024, 7, 31)
    assert loaded[131098].active is False  # Wesley College, CLOSEDAT -2
    assert loaded[131098].closed_on is None
    assert loaded[205470].active is True


def test_delivery_is_online_only_where_every_student_is_exclusively_online(data: Path) -> None:
    run(data)

    charter_oak = Institution.objects.get(unitid=128780)  # 2,540 of 2,540 exclusively distance
    assert charter_oak.online_share == Decimal("1.0000")
    assert set(charter_oak.programs.values_list("delivery", flat=True)) == {Delivery.ONLINE}
    strayer = Institution.objects.get(unitid=459994)  # 18,615 of 18,620
    assert strayer.online_share == Decimal("0.9997")
    assert set(strayer.programs.values_list("delivery", flat=True)) == {Delivery.NOT_REPORTED}
    online = Program.objects.filter(delivery=Delivery.ONLINE)
    assert set(online.values_list("institution__unitid", flat=True)) == {128780}
    assert not Program.objects.filter(delivery__in=[Delivery.HYBRID, Delivery.CAMPUS]).exists()


def test_online_share_rounds_down_so_one_means_every_student() -> None:
    from programs.importing.catalog import online_share

    assert online_share(total=20_000, online_only=19_999) == Decimal("0.9999")
    assert online_share(total=2_540, online_only=2_540) == Decimal("1.0000")
    assert online_share(total=89, online_only=None) is None
    assert online_share(total=0, online_only=0) is None


def test_length_is_the_ipeds_band(data: Path) -> None:
    run(data)

    assert program(205470, "51.0713", 21).length_band == LengthBand.UNDER_1_YEAR
    assert program(205470, "51.0707", 2).length_band == LengthBand.ONE_TO_TWO_YEARS
    assert program(205470, "51.0707", 3).length_band == LengthBand.TWO_YEARS_OR_MORE
    assert not Program.objects.filter(length_months__isnull=False).exists()


def test_what_an_admin_entered_survives_a_reimport(data: Path) -> None:
    run(data)
    coder = program(205470, "51.0713", 21)  # IPEDS: 12 weeks to under 1 year
    coder.delivery, coder.delivery_confirmed, coder.length_months = Delivery.HYBRID, True, 14
    coder.save()
    charter_oak = program(128780, "51.0713", 21)  # a fully online school, but the admin checked
    charter_oak.delivery, charter_oak.delivery_confirmed = Delivery.CAMPUS, True
    charter_oak.save()
    unconfirmed = program(205470, "51.0707", 2)
    unconfirmed.delivery = Delivery.CAMPUS  # not confirmed: the import does not keep a guess
    unconfirmed.save()

    output = run(data)

    coder.refresh_from_db()
    assert (coder.delivery, coder.length_months) == (Delivery.HYBRID, 14)
    assert coder.length_band == LengthBand.ONE_TO_TWO_YEARS
    charter_oak.refresh_from_db()
    assert charter_oak.delivery == Delivery.CAMPUS
    unconfirmed.refresh_from_db()
    assert unconfirmed.delivery == Delivery.NOT_REPORTED
    assert "programs: 0 created, 1 updated" in output


def test_months_set_the_length_band_and_without_them_the_ipeds_band_returns(data: Path) -> None:
    run(data)
    coder = program(205470, "51.0713", 21)
    # Months written without save(), so only the import can correct the band.
    Program.objects.filter(pk=coder.pk).update(length_months=2)

    run(data)

    coder.refresh_from_db()
    assert coder.length_band == LengthBand.UNDER_12_WEEKS
    Program.objects.filter(pk=coder.pk).update(length_months=None)

    run(data)

    coder.refresh_from_db()
    assert coder.length_band == LengthBand.UNDER_1_YEAR


def test_each_run_is_recorded_with_its_summary(data: Path) -> None:
    run(data)

    record = CatalogImport.objects.get()
    assert record.finished_at >= record.started_at
    assert len(record.checksum) == 64
    assert record.summary["counts"]["programs"]["created"] == len(slice_programs("51.07"))


def test_suppressed_scorecard_figures_are_null_not_zero(data: Path) -> None:
    run(data)

    # Sinclair, undergraduate certificates: 99 completers, earnings published, debt suppressed.
    certificate = program(205470, "51.0713", 21)
    assert certificate.outcomes_reported
    assert (certificate.scorecard_completers, certificate.earnings_1yr, certificate.earnings_4yr) == (
        99,
        26932,
        34861,
    )
    assert certificate.debt_median is None
    # Charter Oak, undergraduate certificates: 22 completers, every figure suppressed.
    suppressed = program(128780, "51.0713", 21)
    assert suppressed.outcomes_reported
    assert suppressed.scorecard_completers == 22
    assert (suppressed.earnings_1yr, suppressed.earnings_4yr, suppressed.debt_median) == (None, None, None)
    # A genuine zero stays zero: Valley College's associate degree had 0 completers.
    assert program(449445, "51.0701", 3).scorecard_completers == 0
    # No Scorecard row at all (OU-HSC has none for post-baccalaureate certificates): nothing reported.
    unreported = program(207342, "51.0701", 6)
    assert not unreported.outcomes_reported
    assert unreported.earnings_1yr is None


def test_doctors_professional_practice_takes_scorecards_first_professional_figures(data: Path) -> None:
    run(data)

    doctorate = program(207342, "51.0701", 18)  # Scorecard credential level 7, 15 completers
    assert doctorate.outcomes_reported
    assert doctorate.scorecard_completers == 15


def test_dapip_accreditations_that_ended_are_not_current(data: Path) -> None:
    run(data)
    in_2020 = datetime.date(2020, 11, 1)

    las_vegas = Accreditation.objects.get(institution__unitid=182148)
    assert las_vegas.ended_on == datetime.date(2017, 11, 9)
    assert not las_vegas.is_current(on=in_2020)
    taylor = Accreditation.objects.current(on=in_2020).filter(institution__unitid=149310)
    assert [(a.accreditor.name, a.status) for a in taylor] == [("Higher Learning Commission", "accredited")]
    accredited = Program.objects.institutionally_accredited(on=in_2020)
    assert not accredited.filter(institution__unitid=182148).exists()
    assert accredited.filter(institution__unitid=149310).exists()


def test_acics_accreditation_stops_being_current_when_recognition_was_withdrawn(data: Path) -> None:
    run(data)

    acics = Accreditor.objects.get(name="Accrediting Council for Independent Colleges and Schools")
    assert acics.recognition_ended_on == datetime.date(2022, 8, 19)
    peloton = Accreditation.objects.get(institution__unitid=459514, accreditor=acics)
    assert peloton.ended_on is None  # DAPIP 2020 says nothing ended
    assert peloton.is_current(on=datetime.date(2022, 8, 18))
    assert not peloton.is_current(on=datetime.date(2022, 8, 19))
    assert not Accreditation.objects.current().filter(accreditor=acics).exists()
    # Peloton College is still accredited by the Council on Occupational Education.
    assert Program.objects.institutionally_accredited().filter(institution__unitid=459514).exists()


def test_only_institutional_accreditation_is_imported_never_cahiim_or_pcap(data: Path) -> None:
    run(data)

    assert not Accreditation.objects.filter(scope=Accreditation.Scope.PROGRAMMATIC).exists()
    assert not Accreditation.objects.filter(accreditor__short_name__in=["CAHIIM", "PCAP"]).exists()
    # Sinclair's DAPIP rows include nursing, dental hygiene and others: only HLC is institutional.
    sinclair = Accreditation.objects.filter(institution__unitid=205470)
    assert list(sinclair.values_list("accreditor__name", flat=True)) == ["Higher Learning Commission"]
    assert set(Accreditation.objects.values_list("source", flat=True)) == {Accreditation.Source.DAPIP}


def test_every_program_with_all(data: Path) -> None:
    output = run(data, "--all")

    expected = slice_programs()
    assert db_programs() == expected
    assert len(expected) > len(slice_programs("51.07"))
    # Illinois Eastern's two 49.0109 programs: that code is not in CIP 2020.
    assert "skipped" in output
    assert f"programs: {len(expected)} created, 0 updated, 0 unchanged, 2 skipped" in output
    assert "CIP codes missing from CIP 2020: 49.0109" in output
    # 45.0199 and 45.9999 share a title at Pitt; each still gets its own address.
    pitt = Program.objects.filter(institution__unitid=215293, cip_id__in=["45.0199", "45.9999"])
    assert len({p.slug for p in pitt}) == 2
    assert CatalogImport.objects.get().scope == "all"


def test_multiple_unit_ids_in_one_dapip_row(data: Path) -> None:
    run(data, "--all")

    for unitid in (217235, 460349):  # Johnson & Wales University-Providence and -Online
        accreditation = Accreditation.objects.get(institution__unitid=unitid)
        assert accreditation.accreditor.name == "New England Commission of Higher Education"
        assert accreditation.granted_on == datetime.date(1993, 10, 20)


def test_repeated_dapip_records_resolve_conservatively(data: Path) -> None:
    run(data, "--all")

    # Two institution rows, one open and one ended in 2015: the end date wins.
    beauty = Accreditation.objects.get(institution__unitid=381370)
    assert beauty.ended_on == datetime.date(2015, 10, 1)
    # Open on the institution's own row, ended on an additional location's: a closed branch
    # does not end the school's accreditation.
    chester = Accreditation.objects.get(institution__unitid=437769)
    assert chester.ended_on is None


def test_cip_chooses_the_family(data: Path) -> None:
    output = run(data, "--cip", "51.0713")

    assert db_programs() == slice_programs("51.0713")
    assert set(Program.objects.values_list("cip_id", flat=True)) == {"51.0713"}
    assert "Importing the catalog (51.0713)" in output
    assert CatalogImport.objects.get().scope == "51.0713"


def test_a_two_digit_cip_chooses_the_whole_series(data: Path) -> None:
    run(data, "--cip", "51")

    assert db_programs() == slice_programs("51.")
    assert len(slice_programs("51.")) > len(slice_programs("51.07"))


def test_a_wider_family_later_keeps_the_narrower_one(data: Path) -> None:
    run(data, "--cip", "51.0713")
    coders = set(Program.objects.values_list("pk", flat=True))

    run(data)

    assert db_programs() == slice_programs("51.07")
    assert coders <= set(Program.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("value", ["51.7", "5107", "fifty-one", "51.07.13"])
def test_an_invalid_cip_is_a_clear_error(data: Path, value: str) -> None:
    with pytest.raises(
        CommandError, match=rf"--cip '{value}' is not a CIP code such as 51, 51.07 or 51.0713"
    ):
        run(data, "--cip", value)

    assert not Program.objects.exists()


def test_a_cip_family_that_does_not_exist_is_a_clear_error(data: Path) -> None:
    with pytest.raises(CommandError) as error:
        run(data, "--cip", "51.99")

    assert str(error.value) == (
        "Import stopped, nothing was changed. no CIP 2020 code starts with 51.99; see CIPCode2020.csv."
    )
    assert not CipCode.objects.exists()


def test_cip_and_all_cannot_be_combined(data: Path) -> None:
    with pytest.raises(CommandError, match="not allowed with argument"):
        run(data, "--cip", "51.0713", "--all")


def test_dry_run_counts_and_rolls_back(data: Path) -> None:
    before = table_counts()  # the programmatic accreditors CAHIIM and PCAP come from a migration

    output = run(data, "--dry-run")

    assert f"programs: {len(slice_programs('51.07'))} created" in output
    assert "Checked (dry run, rolled back)" in output
    assert table_counts() == before
    assert not Program.objects.exists()
    assert not CatalogImport.objects.exists()


def test_dry_run_leaves_a_previous_import_as_it_was(data: Path) -> None:
    run(data)
    before = table_counts()
    rewrite_slice(data, "ipeds/c2024_a.csv", edit_sinclair_coders)

    output = run(data, "--dry-run")

    assert "programs: 0 created, 1 updated" in output
    assert program(205470, "51.0713", 21).completions == 31
    assert table_counts() == before
    assert CatalogImport.objects.count() == 1


def test_if_changed_skips_when_the_files_are_the_same(data: Path) -> None:
    run(data)

    output = run(data, "--if-changed")

    assert output == "The catalog (51.07) is already up to date.\n"
    assert CatalogImport.objects.count() == 1


def test_if_changed_imports_when_a_file_or_the_scope_changed(data: Path) -> None:
    run(data)
    rewrite_slice(data, "ipeds/c2024_a.csv", edit_sinclair_coders)

    assert "programs: 0 created, 1 updated" in run(data, "--if-changed")
    assert "already up to date" not in run(data, "--if-changed", "--cip", "51.0713")
    assert CatalogImport.objects.count() == 3


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal(data: Path) -> None:
    output = run(data, stdout=Terminal())

    rows = len((SLICES / "ipeds" / "c2024_a.csv").read_text().splitlines()) - 1
    assert f"\r  IPEDS completions: {rows:,} rows" in output
    assert f"\r  programs: {len(slice_programs('51.07')):,} rows" in output
    assert "\r\033[K" in output  # the progress line is cleared before the summary
    assert f"  programs: {len(slice_programs('51.07'))} created" in output


def test_no_progress_when_the_output_is_piped(data: Path) -> None:
    output = run(data)

    assert "\r" not in output
    assert "rows" not in output
    assert output.startswith(f"Importing the catalog (51.07) from {data}\n")
    assert "Imported in" in output
