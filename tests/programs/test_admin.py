"""The catalog admin: registered with search and filters, constant queries, and honest hand entries."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.choices import Delivery
from programs.models import (
    Accreditation,
    Accreditor,
    CatalogImport,
    Certification,
    CipCode,
    Institution,
    Occupation,
    Program,
    ProgramCertification,
)
from tests.factories import CERTIFICATION_ENTRY
from tests.programs.data import copy_slices

pytestmark = pytest.mark.django_db

CATALOG_MODELS = [
    model for model in apps.get_app_config("programs").get_models() if not model._meta.auto_created
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_slices(tmp_path / "data")


@pytest.fixture
def catalog(data: Path) -> Path:
    """Every program of the slices (116 programs at 14 schools), and one certification an admin
    recorded (Sinclair's coding certificate prepares for the CCS)."""
    call_command("import_catalog", "--data-dir", str(data), "--all", stdout=io.StringIO())
    coding = Program.objects.get(institution__unitid=205470, cip_id="51.0713", award_level=21)
    coding.certifications.add(Certification.objects.get(code="CCS"), through_defaults=CERTIFICATION_ENTRY)
    return data


def url(model: type, view: str, *args: Any) -> str:
    return reverse(f"admin:programs_{model._meta.model_name}_{view}", args=args)


def program(unitid: int, cip: str, award: int) -> Program:
    return Program.objects.get(institution__unitid=unitid, cip_id=cip, award_level=award)


def form_data(response: Any) -> dict[str, Any]:
    """What the browser would post back for a change page as it was shown (main form and inlines)."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif value is not None:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_every_catalog_model_is_registered_with_search_and_filters() -> None:
    for model in CATALOG_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        assert model_admin.list_filter, model


def test_the_admin_needs_a_staff_login(client) -> None:
    response = client.get(url(Program, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", CATALOG_MODELS, ids=lambda model: model.__name__)
def test_changelists_search_filters_and_change_pages_work(admin_client, catalog: Path, model: type) -> None:
    changelist = admin_client.get(url(model, "changelist"))
    assert changelist.status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "Sinclair"}).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "51.0713"}).status_code == 200
    assert len(changelist.context["cl"].filter_specs) == len(admin.site._registry[model].list_filter)
    for list_filter in changelist.context["cl"].filter_specs:
        for choice in list(list_filter.choices(changelist.context["cl"]))[1:3]:
            assert admin_client.get(url(model, "changelist") + choice["query_string"]).status_code == 200
    first = model.objects.first()
    assert admin_client.get(url(model, "change", first.pk)).status_code == 200


@pytest.mark.parametrize("model", [Program, Institution, Accreditation, Accreditor], ids=lambda m: m.__name__)
def test_add_pages_work(admin_client, catalog: Path, model: type) -> None:
    assert admin_client.get(url(model, "add")).status_code == 200


def test_the_import_log_cannot_be_added_or_edited(admin_client, catalog: Path) -> None:
    record = CatalogImport.objects.get()

    assert admin_client.get(url(CatalogImport, "add")).status_code == 403
    assert admin_client.post(url(CatalogImport, "change", record.pk), {"scope": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("model", "small_catalog"),
    [(Program, "51.0713"), (Institution, "51.0713"), (Accreditation, "51.0713")],
    ids=["programs", "institutions", "accreditations"],
)
def test_changelists_cost_the_same_queries_for_few_or_many_rows(
    admin_client, data: Path, django_assert_max_num_queries, model: type, small_catalog: str
) -> None:
    call_command("import_catalog", "--data-dir", str(data), "--cip", small_catalog, stdout=io.StringIO())
    few = model.objects.count()
    admin_client.get(url(model, "changelist"))  # the session and content types are now cached
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(url(model, "changelist")).status_code == 200

    call_command("import_catalog", "--data-dir", str(data), "--all", stdout=io.StringIO())
    many = model.objects.count()
    assert many > 2 * few

    with django_assert_max_num_queries(len(small)):
        response = admin_client.get(url(model, "changelist"))
    assert len(response.context["cl"].result_list) == min(many, 100)


@pytest.mark.parametrize(
    "model",
    [ProgramCertification, Certification, Accreditor, CipCode, Occupation, CatalogImport],
    ids=lambda m: m.__name__,
)
def test_the_other_catalog_changelists_cost_no_query_per_row(
    admin_client, catalog: Path, model: type
) -> None:
    if model is ProgramCertification:
        ccs = Certification.objects.get(code="CCS")
        for one in Program.objects.filter(cip_id="51.0713")[:8]:
            one.certifications.add(ccs, through_defaults=CERTIFICATION_ENTRY)
    if model is CatalogImport:
        for _ in range(5):
            CatalogImport.objects.create(
                scope="51.07", checksum="0" * 64, summary={"programs": {"created": 1}}
            )
    first = model.objects.order_by("pk").first()
    admin_client.get(url(model, "changelist"))  # the session and content types are now cached
    # Filtering to one row costs one more query (the full count), never fewer.
    with CaptureQueriesContext(connection) as one_row:
        response = admin_client.get(url(model, "changelist"), {f"{model._meta.pk.name}__exact": first.pk})
    assert len(response.context["cl"].result_list) == 1

    with CaptureQueriesContext(connection) as every_row:
        response = admin_client.get(url(model, "changelist"))

    assert len(response.context["cl"].result_list) >= 6
    assert len(every_row) <= len(one_row)


def test_the_program_form_finds_its_school_and_field_by_autocomplete(admin_client, catalog: Path) -> None:
    common = {"app_label": "programs", "model_name": "program"}

    def found(field: str, term: str) -> list[str]:
        response = admin_client.get(
            reverse("admin:autocomplete"), common | {"field_name": field, "term": term}
        )
        return [r["text"] for r in response.json()["results"]]

    assert found("institution", "Sinclair") == [str(Institution.objects.get(unitid=205470))]
    assert any(text.startswith("51.0713") for text in found("cip", "51.0713"))
    assert 'data-ajax--url="/admin/autocomplete/"' in admin_client.get(url(Program, "add")).content.decode()


def test_institution_change_pages_cost_the_same_for_few_or_many_rows(admin_client, catalog: Path) -> None:
    valley = Institution.objects.get(unitid=449445)  # 2 programs, 1 DAPIP accreditation
    sinclair = Institution.objects.get(unitid=205470)  # 9 programs
    admin_client.get(url(Institution, "change", valley.pk))
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url(Institution, "change", valley.pk))

    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(url(Institution, "change", sinclair.pk))

    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 9
    assert len(large) == len(small)


def test_dapip_rows_are_read_only_in_the_admin(admin_client, catalog: Path) -> None:
    dapip = Accreditation.objects.filter(source=Accreditation.Source.DAPIP).first()

    page = admin_client.get(url(Accreditation, "change", dapip.pk))
    post = admin_client.post(url(Accreditation, "change", dapip.pk), {"status": "denied"})
    delete = admin_client.post(url(Accreditation, "delete", dapip.pk), {"post": "yes"})

    assert page.status_code == 200
    assert "Save" not in page.content.decode()
    assert post.status_code == 403
    assert delete.status_code == 403
    dapip.refresh_from_db()
    assert dapip.status == Accreditation.Status.ACCREDITED


def test_programmatic_accreditation_needs_a_source_link_and_a_date(admin_client, catalog: Path) -> None:
    """Entering CAHIIM for Sinclair's associate degree in health information technology."""
    him = program(205470, "51.0707", 3)
    cahiim = Accreditor.objects.get(short_name="CAHIIM")
    page = admin_client.get(url(Program, "change", him.pk))
    data = form_data(page) | {
        "accreditations-TOTAL_FORMS": "1",
        "accreditations-0-accreditor": str(cahiim.pk),
        "accreditations-0-status": "accredited",
        "accreditations-0-as_of": "2026-11-01",
    }

    rejected = admin_client.post(url(Program, "change", him.pk), data)

    assert rejected.status_code == 200
    errors = rejected.context["inline_admin_formsets"][0].formset.errors[0]
    assert errors["granted_on"] == ["Enter the date the accreditation was granted, as the source shows it."]
    assert errors["source_url"] == ["Link to the accreditor's page that shows this accreditation."]
    assert not Accreditation.objects.filter(program=him).exists()

    data |= {
        "accreditations-0-granted_on": "2021-05-01",
        "accreditations-0-source_url": "https://www.cahiim.org/",
    }
    accepted = admin_client.post(url(Program, "change", him.pk), data)

    assert accepted.status_code == 302
    entry = Accreditation.objects.get(program=him)
    assert (entry.scope, entry.source, entry.accreditor) == ("programmatic", "admin", cahiim)
    assert entry.granted_on == datetime.date(2021, 5, 1)
    assert Program.objects.accredited_by("CAHIIM").get() == him


def test_a_certification_prepared_for_needs_a_source_link_and_a_date(admin_client, catalog: Path) -> None:
    """Recording that Sinclair's health information technology degree prepares for the RHIT."""
    him = program(205470, "51.0707", 3)
    rhit = Certification.objects.get(code="RHIT")
    data = form_data(admin_client.get(url(Program, "change", him.pk))) | {
        "certification_records-TOTAL_FORMS": "1",
        "certification_records-0-certification": str(rhit.pk),
        "certification_records-0-checked_on": "",
    }

    rejected = admin_client.post(url(Program, "change", him.pk), data)

    assert rejected.status_code == 200
    errors = rejected.context["inline_admin_formsets"][1].formset.errors[0]
    assert set(errors) == {"source_url", "checked_on"}
    assert not him.certifications.exists()

    data |= {
        "certification_records-0-source_url": "https://www.sinclair.edu/",
        "certification_records-0-checked_on": "2026-11-02",
    }
    accepted = admin_client.post(url(Program, "change", him.pk), data)

    assert accepted.status_code == 302
    record = ProgramCertification.objects.get(program=him)
    assert (record.certification, record.source_url) == (rhit, "https://www.sinclair.edu/")
    assert record.checked_on == datetime.date(2026, 11, 2)
    assert list(Program.objects.filter(certifications__code="RHIT")) == [him]


def test_an_institutional_accreditor_cannot_be_entered_as_programmatic(admin_client, catalog: Path) -> None:
    him = program(205470, "51.0707", 3)
    hlc = Accreditor.objects.get(name="Higher Learning Commission")
    data = form_data(admin_client.get(url(Program, "change", him.pk))) | {
        "accreditations-TOTAL_FORMS": "1",
        "accreditations-0-accreditor": str(hlc.pk),
        "accreditations-0-status": "accredited",
        "accreditations-0-granted_on": "1970-01-01",
        "accreditations-0-source_url": "https://www.hlcommission.org/",
        "accreditations-0-as_of": "2026-11-01",
    }

    response = admin_client.post(url(Program, "change", him.pk), data)

    assert response.status_code == 200
    assert "accreditor" in response.context["inline_admin_formsets"][0].formset.errors[0]
    assert not Accreditation.objects.filter(program=him).exists()


def test_accreditation_added_on_its_own_page_is_checked(admin_client, catalog: Path) -> None:
    cahiim = Accreditor.objects.get(short_name="CAHIIM")
    him = program(205470, "51.0707", 3)
    sinclair = Institution.objects.get(unitid=205470)
    base = {"accreditor": cahiim.pk, "status": "accredited", "as_of": "2026-11-01"}

    missing_target = admin_client.post(url(Accreditation, "add"), base | {"scope": "programmatic"})
    wrong_target = admin_client.post(
        url(Accreditation, "add"),
        base | {"scope": "programmatic", "institution": sinclair.pk, "granted_on": "2021-05-01"},
    )
    no_source = admin_client.post(
        url(Accreditation, "add"), base | {"scope": "programmatic", "program": him.pk}
    )

    assert missing_target.context["adminform"].form.errors["program"]
    assert wrong_target.context["adminform"].form.errors["program"]
    assert set(no_source.context["adminform"].form.errors) == {"granted_on", "source_url"}
    assert not Accreditation.objects.filter(source=Accreditation.Source.ADMIN).exists()

    saved = admin_client.post(
        url(Accreditation, "add"),
        base
        | {
            "scope": "programmatic",
            "program": him.pk,
            "granted_on": "2021-05-01",
            "source_url": "https://www.cahiim.org/",
        },
    )

    assert saved.status_code == 302
    assert Accreditation.objects.get(source=Accreditation.Source.ADMIN).program == him


def test_editing_delivery_confirms_it_and_the_next_import_keeps_it(admin_client, catalog: Path) -> None:
    coder = program(205470, "51.0713", 21)
    data = form_data(admin_client.get(url(Program, "change", coder.pk)))
    assert data["delivery"] == Delivery.NOT_REPORTED

    response = admin_client.post(
        url(Program, "change", coder.pk), data | {"delivery": "hybrid", "length_months": "9"}
    )

    assert response.status_code == 302
    coder.refresh_from_db()
    assert (coder.delivery, coder.delivery_confirmed, coder.length_months) == ("hybrid", True, 9)
    call_command("import_catalog", "--data-dir", str(catalog), "--all", stdout=io.StringIO())
    coder.refresh_from_db()
    assert (coder.delivery, coder.length_months) == ("hybrid", 9)


def test_setting_delivery_back_to_not_reported_hands_it_back_to_the_import(
    admin_client, catalog: Path
) -> None:
    coder = program(205470, "51.0713", 21)
    Program.objects.filter(pk=coder.pk).update(delivery="hybrid", delivery_confirmed=True)
    data = form_data(admin_client.get(url(Program, "change", coder.pk)))

    admin_client.post(url(Program, "change", coder.pk), data | {"delivery": "not_reported"})

    coder.refresh_from_db()
    assert not coder.delivery_confirmed


def test_editing_delivery_in_the_institution_page_confirms_it(admin_client, catalog: Path) -> None:
    sinclair = Institution.objects.get(unitid=205470)
    page = admin_client.get(url(Institution, "change", sinclair.pk))
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    forms = page.context["inline_admin_formsets"][0].formset.forms
    index = next(i for i, form in enumerate(forms) if form.instance.cip_id == "51.0713")

    response = admin_client.post(
        url(Institution, "change", sinclair.pk), data | {f"{prefix}-{index}-delivery": "campus"}
    )

    assert response.status_code == 302
    coder = program(205470, "51.0713", 21)
    assert (coder.delivery, coder.delivery_confirmed) == ("campus", True)
    untouched = program(205470, "51.0707", 3)
    assert (untouched.delivery, untouched.delivery_confirmed) == ("not_reported", False)


def test_a_program_added_by_hand_gets_its_slug_and_derived_fields(admin_client, catalog: Path) -> None:
    """Sinclair's 51.0714 certificate of 1 to 2 years is not in the slice; an admin adds it."""
    sinclair = Institution.objects.get(unitid=205470)
    assert not Program.objects.filter(institution=sinclair, cip_id="51.0714", award_level=2).exists()

    response = admin_client.post(
        url(Program, "add"),
        {
            "institution": sinclair.pk,
            "cip": "51.0714",
            "award_level": "2",
            "delivery": "not_reported",
            "active": "on",
            "accreditations-TOTAL_FORMS": "0",
            "accreditations-INITIAL_FORMS": "0",
            "certification_records-TOTAL_FORMS": "0",
            "certification_records-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Program.objects.get(institution=sinclair, cip_id="51.0714", award_level=2)
    assert (
        added.slug
        == "medical-insurance-specialistmedical-biller-sinclair-community-college-cert-1-to-2-years-205470"
    )
    assert (added.credential_level, added.length_band, added.minimum_education) == (
        "certificate",
        "1_to_2_years",
        1,
    )
