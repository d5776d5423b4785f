"""Admin lists of big tables count from PostgreSQL's estimate when unfiltered, exactly otherwise."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from leads.models import Lead, LeadRequest
from programs import paginators
from programs.models import Accreditation, Institution, Program
from programs.paginators import EstimatedCountPaginator, is_unfiltered
from tests import factories

pytestmark = pytest.mark.django_db


def count_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_only_a_whole_table_counts_as_unfiltered() -> None:
    programs = Program.objects.all()

    assert is_unfiltered(programs)
    assert is_unfiltered(programs.select_related("institution", "cip").order_by("-pk"))
    assert not is_unfiltered(programs.filter(active=True))
    assert not is_unfiltered(Program.objects.listed())
    assert not is_unfiltered(programs.distinct())
    assert not is_unfiltered(programs[:10])
    assert not is_unfiltered(programs.union(programs))


def test_an_unfiltered_big_table_is_counted_from_the_estimate(monkeypatch) -> None:
    factories.real_catalog()
    monkeypatch.setattr(paginators, "estimated_rows", lambda queryset: 287_000)

    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Program.objects.order_by("pk"), 100).count

    assert count == 287_000
    assert count_queries(queries) == []


def test_filtered_lists_and_small_estimates_are_counted_exactly(monkeypatch) -> None:
    factories.real_catalog()
    asked = []
    monkeypatch.setattr(paginators, "estimated_rows", lambda queryset: asked.append(queryset) or 1_000)

    small = EstimatedCountPaginator(Program.objects.order_by("pk"), 100).count
    filtered = EstimatedCountPaginator(Program.objects.filter(award_level=21).order_by("pk"), 100).count

    assert small == Program.objects.count() == 45  # the estimate is under ESTIMATE_ABOVE
    assert filtered == Program.objects.filter(award_level=21).count()
    assert len(asked) == 1  # a filtered list never asks for the estimate


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite path")
def test_sqlite_always_counts_exactly() -> None:
    factories.real_catalog()

    assert paginators.estimated_rows(Program.objects.all()) is None
    assert EstimatedCountPaginator(Program.objects.order_by("pk"), 10).count == 45


def test_the_big_changelists_use_it_without_a_second_full_count() -> None:
    for model in (Program, Institution, Accreditation, Lead, LeadRequest):
        model_admin = admin.site._registry[model]
        assert model_admin.paginator is EstimatedCountPaginator, model
        assert model_admin.show_full_result_count is False, model


@pytest.mark.postgresql
def test_postgresql_estimate_replaces_count_on_the_unfiltered_program_list(
    admin_client: Client, monkeypatch
) -> None:
    factories.real_catalog()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_program")
    assert paginators.estimated_rows(Program.objects.all()) == 45
    monkeypatch.setattr(EstimatedCountPaginator, "estimate_above", 10)

    with CaptureQueriesContext(connection) as unfiltered:
        page = admin_client.get("/admin/programs/program/")
    with CaptureQueriesContext(connection) as filtered:
        admin_client.get("/admin/programs/program/?credential_level__exact=certificate")

    assert page.status_code == 200
    assert page.context["cl"].result_count == 45
    assert not [sql for sql in count_queries(unfiltered) if "programs_program" in sql]
    assert any("pg_class" in q["sql"] for q in unfiltered.captured_queries)
    assert [sql for sql in count_queries(filtered) if "programs_program" in sql]


def test_the_program_list_is_ordered_by_its_unique_index() -> None:
    """An order the (institution, CIP, award level) index serves: no sort of the whole catalog."""
    [unique] = [c for c in Program._meta.constraints if c.name == "program_unique_institution_cip_award"]

    ordering = admin.site._registry[Program].ordering

    assert [name.removesuffix("_id") for name in ordering] == list(unique.fields)
