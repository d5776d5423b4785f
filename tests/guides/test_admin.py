from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guides.models import Guide
from tests.guides.content import CCS_SLUG, listing_editor_group

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/guides/guide/add/"


@pytest.fixture
def editor(client: Client) -> User:
    user = User.objects.create_user("editor", password="pw-not-used", is_staff=True)
    user.groups.add(listing_editor_group())
    client.force_login(user)
    return user


def guide_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "How to become a medical biller",
        "slug": "medical-biller",
        "status": "published",
        "updated_on": "2026-11-26",
        "meta_description": "What a medical biller does, the training and the steps to a billing credential.",
        "summary": "A short guide to medical billing.",
        "body": "<h2>What the work is</h2><p>Billing.</p>",
        "occupation_cip_codes": "51.0714",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-position": "1",
        "steps-0-title": "Train",
        "steps-0-body": "<p>Pick a program.</p>",
        "steps-0-catalog_query": "cip=51.0714&credential=certificate",
        "steps-0-link_label": "Billing certificates",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def test_the_listing_editor_role_may_add_change_and_view_guides_only() -> None:
    group = listing_editor_group()

    assert group.name == "Listing editor"

    # The campaigns issue extends the same group with the catalog (leads/roles.py), never leads.
    assert not group.permissions.filter(content_type__app_label="leads").exists()
    guides = group.permissions.filter(content_type__app_label="guides")
    assert sorted(guides.values_list("content_type__app_label", "codename")) == [
        ("guides", f"{action}_{model}")
        for action, model in sorted(
            (action, model)
            for model in ("guide", "guidestep", "guidesource")
            for action in ("add", "change", "view")
        )
    ]


def test_staff_without_the_role_cannot_open_or_edit_guides(client: Client) -> None:
    client.force_login(User.objects.create_user("clerk", password="pw-not-used", is_staff=True))
    guide = Guide.objects.get(slug=CCS_SLUG)

    assert client.get("/admin/guides/guide/").status_code == 403
    assert client.post(f"/admin/guides/guide/{guide.pk}/change/", {"title": "Hacked"}).status_code == 403
    assert Guide.objects.get(pk=guide.pk).title == "How to become a Certified Coding Specialist"


def test_a_listing_editor_publishes_a_guide_without_a_deploy(client: Client, editor: User) -> None:
    response = client.post(ADD_URL, guide_form())

    assert response.status_code == 302
    guide = Guide.objects.get(slug="medical-biller")
    assert guide.steps.get().catalog_url == "/programs/?cip=51.0714&credential=certificate"
    page = client.get("/guides/medical-biller/").content.decode()
    assert "<title>How to become a medical biller · CodingPath</title>" in page
    assert 'href="/programs/?cip=51.0714&amp;credential=certificate">Billing certificates</a>' in page


def test_script_typed_in_the_admin_never_reaches_the_public_page(client: Client, editor: User) -> None:
    response = client.post(
        ADD_URL,
        guide_form(
            body='<h2>Work</h2><script>alert("x")</script><img src=x onerror="alert(1)"><p>Safe text.</p>',
            **{"steps-0-body": '<p onclick="alert(2)">Step <a href="javascript:alert(3)">link</a></p>'},
        ),
        follow=True,
    )

    warnings = [str(message) for message in response.context["messages"]]
    assert any("Removed from the body: <script>, <img>" in text for text in warnings)
    assert any("Removed from “Train”: onclick=, link to 'javascript:alert(3)'" in text for text in warnings)
    client.logout()
    page = client.get("/guides/medical-biller/").content.decode()
    assert "<p>Safe text.</p>" in page
    for attack in ("alert(", "onerror", "onclick", "javascript:"):
        assert attack not in page


def test_a_step_with_an_unknown_catalog_filter_is_refused_and_nothing_is_saved(
    client: Client, editor: User
) -> None:
    response = client.post(ADD_URL, guide_form(**{"steps-0-catalog_query": "cip=51.0714&ref=partner"}))

    assert response.status_code == 200
    assert "“ref” is not a catalog filter" in response.content.decode()
    assert not Guide.objects.filter(slug="medical-biller").exists()


def test_a_listing_editor_cannot_delete_guides(client: Client, editor: User) -> None:
    guide = Guide.objects.get(slug=CCS_SLUG)

    assert client.post(f"/admin/guides/guide/{guide.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Guide.objects.filter(pk=guide.pk).exists()


def test_the_guide_list_in_the_admin_counts_steps_without_a_query_per_row(
    client: Client, editor: User
) -> None:
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/guides/guide/").status_code == 200
        return len(captured)

    before = queries_for_list()
    for number in range(5):
        Guide.objects.create(
            title=f"Guide {number}",
            slug=f"guide-{number}",
            meta_description=f"A guide number {number} with a description long enough to be useful.",
            summary="x",
            body="<p>x</p>",
        )

    assert queries_for_list() == before
