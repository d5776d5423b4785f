"""The catalog's vocabulary on the models: listing, admission, length, delivery and accreditation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from programs.choices import (
    AWARD_LEVELS,
    SCORECARD_CREDENTIAL_LEVEL,
    AwardLevel,
    CredentialLevel,
    EducationLevel,
    LengthBand,
    length_band_for,
)
from programs.models import Accreditation, Accreditor, Program
from tests import factories

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 11, 1)


def test_every_award_level_has_a_credential_band_requirement_and_scorecard_level() -> None:
    assert set(AWARD_LEVELS) == set(AwardLevel)
    assert set(SCORECARD_CREDENTIAL_LEVEL) == set(AwardLevel)
    assert AWARD_LEVELS[AwardLevel.POSTBACC_CERTIFICATE][2] == EducationLevel.BACHELORS
    assert AWARD_LEVELS[AwardLevel.CERT_UNDER_1_YEAR][2] == EducationLevel.HIGH_SCHOOL
    assert SCORECARD_CREDENTIAL_LEVEL[AwardLevel.DOCTOR_PROFESSIONAL] == 7


@pytest.mark.parametrize(
    ("award", "months", "band"),
    [
        (AwardLevel.CERT_UNDER_1_YEAR, None, LengthBand.UNDER_1_YEAR),
        (AwardLevel.CERT_UNDER_1_YEAR, 2, LengthBand.UNDER_12_WEEKS),
        (AwardLevel.CERT_UNDER_1_YEAR, 14, LengthBand.ONE_TO_TWO_YEARS),
        (AwardLevel.ASSOCIATE, None, LengthBand.TWO_YEARS_OR_MORE),
        (AwardLevel.ASSOCIATE, 18, LengthBand.ONE_TO_TWO_YEARS),
        (AwardLevel.POSTBACC_CERTIFICATE, None, LengthBand.NOT_REPORTED),
        (None, None, LengthBand.NOT_REPORTED),
    ],
)
def test_length_is_the_ipeds_band_unless_months_are_entered(
    award: int | None, months: int | None, band: str
) -> None:
    assert length_band_for(award_level=award, months=months) == band


def test_a_program_fills_what_follows_from_its_award_level() -> None:
    coder = factories.program("sinclair", "51.0713", AwardLevel.CERT_UNDER_1_YEAR)

    assert coder.credential_level == CredentialLevel.CERTIFICATE
    assert coder.minimum_education == EducationLevel.HIGH_SCHOOL
    assert coder.length_band == LengthBand.UNDER_1_YEAR
    assert (
        coder.slug
        == "medical-insurance-coding-specialistcoder-sinclair-community-college-cert-under-1-year-205470"
    )
    assert coder.length_label == "12 weeks to under 1 year"
    coder.length_months = 9
    coder.save()
    assert coder.length_band == LengthBand.UNDER_1_YEAR
    assert coder.length_label == "9 months"


def test_listed_programs_are_active_at_open_institutions() -> None:
    listed = factories.program("sinclair", "51.0713", AwardLevel.CERT_UNDER_1_YEAR)
    factories.program("sinclair", "51.0707", AwardLevel.ASSOCIATE, active=False)
    closed = factories.institution("terra", active=False)
    factories.program(closed, "51.0707", AwardLevel.ASSOCIATE)

    assert list(Program.objects.listed()) == [listed]


def test_open_to_follows_the_admission_requirement() -> None:
    certificate = factories.program("broward", "51.0713", AwardLevel.CERT_UNDER_1_YEAR)
    postbacc = factories.program("capella", "51.0706", AwardLevel.POSTBACC_CERTIFICATE)

    assert list(Program.objects.open_to(EducationLevel.HIGH_SCHOOL)) == [certificate]
    assert set(Program.objects.open_to(EducationLevel.BACHELORS)) == {certificate, postbacc}
    assert not Program.objects.open_to(EducationLevel.LESS_THAN_HIGH_SCHOOL).exists()


def test_fully_online_means_every_student() -> None:
    assert factories.institution("charter_oak").online_share == Decimal("1.0000")
    assert factories.institution("charter_oak").fully_online
    assert factories.institution("capella").fully_online
    assert not factories.institution("mclennan").fully_online  # 0.4556


def test_ended_or_denied_accreditation_is_not_current() -> None:
    sinclair = factories.institution("sinclair")
    current = factories.institutional_accreditation(sinclair)
    ended = factories.institutional_accreditation(
        sinclair,
        "Accrediting Council for Independent Colleges and Schools",
        ended_on=datetime.date(2017, 11, 9),
    )
    denied = factories.institutional_accreditation(sinclair, "Council on Occupational Education")
    Accreditation.objects.filter(pk=denied.pk).update(status=Accreditation.Status.DENIED)

    assert list(Accreditation.objects.current(on=ON)) == [current]
    assert current.is_current(on=ON)
    assert not ended.is_current(on=ON)
    assert ended.is_current(on=datetime.date(2017, 11, 8))
    denied.refresh_from_db()
    assert not denied.is_current(on=ON)


def test_accreditation_by_an_accreditor_that_lost_recognition_is_not_current() -> None:
    sinclair = factories.institution("sinclair")
    acics = factories.institutional_accreditation(
        sinclair, "Accrediting Council for Independent Colleges and Schools"
    )
    Accreditor.objects.filter(pk=acics.accreditor_id).update(recognition_ended_on=datetime.date(2022, 8, 19))
    acics.refresh_from_db()

    assert acics.is_current(on=datetime.date(2022, 8, 18))
    assert not acics.is_current(on=datetime.date(2022, 8, 19))
    assert not Accreditation.objects.current(on=ON).exists()
    assert Accreditation.objects.current(on=datetime.date(2022, 8, 18)).get() == acics
    assert not Program.objects.institutionally_accredited(on=ON).exists()


def test_programmatic_accreditation_is_per_program() -> None:
    him = factories.program("sinclair", "51.0707", AwardLevel.ASSOCIATE)
    coder = factories.program("sinclair", "51.0713", AwardLevel.CERT_UNDER_1_YEAR)
    factories.programmatic_accreditation(him, "CAHIIM")

    assert list(Program.objects.accredited_by("CAHIIM", on=ON)) == [him]
    assert not Program.objects.accredited_by("PCAP", on=ON).exists()
    assert coder not in Program.objects.accredited_by("CAHIIM", on=ON)


def test_the_database_refuses_an_admin_entry_without_a_source_or_date() -> None:
    him = factories.program("sinclair", "51.0707", AwardLevel.ASSOCIATE)

    for missing in ({"source_url": ""}, {"granted_on": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.programmatic_accreditation(him, "CAHIIM", **missing)


def test_the_database_refuses_a_scope_that_does_not_match_the_target() -> None:
    him = factories.program("sinclair", "51.0707", AwardLevel.ASSOCIATE)
    cahiim = Accreditor.objects.get(short_name="CAHIIM")

    with pytest.raises(IntegrityError), transaction.atomic():
        Accreditation.objects.create(
            accreditor=cahiim,
            scope=Accreditation.Scope.INSTITUTIONAL,
            program=him,
            granted_on=datetime.date(2021, 5, 1),
            source_url="https://www.cahiim.org/",
            as_of=ON,
        )


def test_the_database_refuses_an_end_before_the_start() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.institutional_accreditation(
            factories.institution("sinclair"),
            granted_on=datetime.date(2020, 1, 1),
            ended_on=datetime.date(2019, 1, 1),
        )


def test_months_outside_1_to_120_are_refused() -> None:
    coder = factories.program("sinclair", "51.0713", AwardLevel.CERT_UNDER_1_YEAR)

    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=coder.pk).update(length_months=0)


def test_one_program_per_school_cip_and_award_level() -> None:
    factories.program("sinclair", "51.0713", AwardLevel.CERT_UNDER_1_YEAR)

    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(
            institution=factories.institution("sinclair"),
            cip=factories.cip("51.0713"),
            award_level=AwardLevel.CERT_UNDER_1_YEAR,
            slug="a-second-slug",
        )


def test_no_programmatic_accreditor_is_recognised_by_the_department_of_education() -> None:
    """CAHIIM and PCAP come from a migration, with who recognises them; DAPIP never lists them."""
    programmatic = Accreditor.objects.filter(kind=Accreditor.Kind.PROGRAMMATIC)

    assert set(programmatic.values_list("short_name", flat=True)) == {"CAHIIM", "PCAP"}
    assert not programmatic.filter(recognized_by__icontains="Department of Education").exists()
