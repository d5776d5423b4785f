"""The three roles: each boundary holds, also when someone types the URL."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead, Sponsorship
from leads.roles import CAMPAIGN_MANAGER, LEAD_EXPORTER, LISTING_EDITOR, ROLES, setup_roles
from tests import factories
from tests.leads.campaign_helpers import campaign, sponsor, staff_in, submit

pytestmark = pytest.mark.django_db

EMAIL = "visitor1@example.com"  # the personal data the lead below holds
PHONE = "+19375550001"


@pytest.fixture
def lead() -> Lead:
    coder = factories.program("sinclair", "51.0713", 21)
    campaign(coder, name="Sinclair coding", daily_cap=5, total_cap=50)
    return submit(coder, person=1)


def lead_urls(lead: Lead) -> list[str]:
    request = lead.requests.get()
    return [
        reverse("admin:leads_lead_changelist"),
        reverse("admin:leads_lead_change", args=[lead.pk]),
        reverse("admin:leads_lead_history", args=[lead.pk]),
        reverse("admin:leads_lead_delete", args=[lead.pk]),
        reverse("admin:leads_leadrequest_changelist"),
        reverse("admin:leads_leadrequest_change", args=[request.pk]),
        reverse("admin:leads_contactrevocation_changelist"),
    ]


def export_urls() -> list[str]:
    return [reverse("admin:leads_leadexport_export")]


def campaign_urls(lead: Lead) -> list[str]:
    sponsorship = lead.requests.get().sponsorship
    return [
        reverse("admin:leads_sponsorship_changelist"),
        reverse("admin:leads_sponsorship_add"),
        reverse("admin:leads_sponsorship_change", args=[sponsorship.pk]),
        reverse("admin:leads_sponsor_changelist"),
        reverse("admin:leads_sponsorshipchange_changelist"),
        reverse("admin:leads_campaigndashboard_changelist"),
    ]


def assert_refused(client: Client, urls: list[str]) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code in {302, 403}, url
        assert EMAIL.encode() not in response.content, url
        assert PHONE.encode() not in response.content, url


def test_setup_roles_is_idempotent_and_exact() -> None:
    first = setup_roles()
    editors = Group.objects.get(name=LISTING_EDITOR)
    editors.permissions.add(Permission.objects.get(codename="view_lead"))  # a stray grant

    second = setup_roles()
    third = setup_roles()

    assert {c.role for c in first} == set(ROLES)
    assert [c.removed for c in second if c.role == LISTING_EDITOR] == [["leads.view_lead"]]
    assert not any(c.changed for c in third)
    for role, names in ROLES.items():
        held = Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
        assert sorted(f"{app}.{codename}" for app, codename in held) == sorted(names)
    assert Group.objects.filter(name__in=ROLES).count() == 3


def test_the_listing_editor_extends_the_guides_group_and_sees_nothing_of_leads() -> None:
    setup_roles()
    names = set(ROLES[LISTING_EDITOR])

    assert {"guides.add_guide", "guides.change_guide", "programs.change_program"} <= names
    assert not {name for name in names if name.startswith("leads.")}
    # Never deletes catalog records; only a wrong "prepares for" link can be removed.
    assert {name for name in names if ".delete_" in name} == {"programs.delete_programcertification"}
    assert "leads.view_lead" not in ROLES[CAMPAIGN_MANAGER]
    assert "leads.view_lead_personal_data" not in ROLES[CAMPAIGN_MANAGER]
    assert {"leads.view_lead", "leads.view_lead_personal_data", "leads.export_leadrequest"} <= set(
        ROLES[LEAD_EXPORTER]
    )


def test_the_command_reports_and_a_dry_run_changes_nothing() -> None:
    Group.objects.filter(name=CAMPAIGN_MANAGER).delete()
    out = io.StringIO()

    call_command("setup_roles", "--dry-run", stdout=out)
    assert "Campaign manager: created" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert not Group.objects.filter(name=CAMPAIGN_MANAGER).exists()

    call_command("setup_roles", stdout=out)
    again = io.StringIO()
    call_command("setup_roles", stdout=again)
    assert Group.objects.filter(name=CAMPAIGN_MANAGER).exists()
    assert again.getvalue().count("up to date") == 3


def test_a_listing_editor_edits_the_catalog_but_cannot_reach_leads_or_campaigns(lead: Lead) -> None:
    _, editor = staff_in(LISTING_EDITOR)
    program = lead.requests.get().program

    assert editor.get(reverse("admin:programs_program_change", args=[program.pk])).status_code == 200
    assert editor.get(reverse("admin:programs_institution_changelist")).status_code == 200
    assert editor.get(reverse("admin:guides_guide_changelist")).status_code == 200
    assert "Leads and campaigns" not in editor.get(reverse("admin:index")).content.decode()
    assert_refused(editor, [*lead_urls(lead), *campaign_urls(lead), *export_urls()])


def test_a_campaign_manager_sees_counts_never_personal_data(lead: Lead) -> None:
    _, manager = staff_in(CAMPAIGN_MANAGER)

    listing = manager.get(reverse("admin:leads_sponsorship_changelist"))
    dashboard = manager.get(reverse("admin:leads_campaigndashboard_changelist"))
    index = manager.get(reverse("admin:index")).content.decode()

    assert listing.status_code == 200
    assert "1 / 5" in listing.content.decode()  # leads today against the daily cap
    assert "1 / 50" in listing.content.decode()
    assert dashboard.status_code == 200
    assert "1 of 5 a day" in dashboard.content.decode()
    assert "Campaign dashboard" in index
    for url in campaign_urls(lead):
        response = manager.get(url)
        assert response.status_code == 200, url
        assert EMAIL.encode() not in response.content
        assert PHONE.encode() not in response.content
    assert manager.get(reverse("admin:leads_leadexport_changelist")).status_code == 200
    assert_refused(manager, [*lead_urls(lead), *export_urls()])
    assert 'href="/admin/leads/lead/' not in index


def test_a_campaign_manager_runs_campaigns_but_cannot_delete_them(lead: Lead) -> None:
    user, manager = staff_in(CAMPAIGN_MANAGER)
    sponsorship = lead.requests.get().sponsorship
    today = timezone.localdate()
    biller = factories.program("sinclair", "51.0714", 21)
    add = reverse("admin:leads_sponsorship_add")
    autocomplete = manager.get(
        reverse("admin:autocomplete"),
        {"app_label": "leads", "model_name": "sponsorship", "field_name": "program", "term": "Biller"},
    )

    response = manager.post(
        add,
        {
            "name": "Sinclair billing",
            "sponsor": sponsor().pk,
            "status": "active",
            "program": biller.pk,
            "starts_on": today,
            "ends_on": today,
            "price_per_lead": "20.00",
            "daily_cap": 2,
            "total_cap": 4,
            "lift": 2,
            "changes-TOTAL_FORMS": 0,
            "changes-INITIAL_FORMS": 0,
        },
    )
    delete = manager.post(reverse("admin:leads_sponsorship_delete", args=[sponsorship.pk]), {"post": "yes"})

    assert [r["id"] for r in autocomplete.json()["results"]] == [str(biller.pk)]
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Sponsorship.objects.get(name="Sinclair billing")
    assert created.changes.get().changed_by == user
    assert created.price_per_lead == Decimal("20.00")
    assert delete.status_code == 403
    assert Sponsorship.objects.filter(pk=sponsorship.pk).exists()


def test_a_lead_exporter_sees_personal_data_and_may_export(lead: Lead) -> None:
    _, exporter = staff_in(LEAD_EXPORTER)
    program = lead.requests.get().program

    leads_page = exporter.get(reverse("admin:leads_lead_change", args=[lead.pk]))
    requests_list = exporter.get(reverse("admin:leads_leadrequest_changelist"))
    leads_list = exporter.get(reverse("admin:leads_lead_changelist"))

    assert EMAIL in leads_page.content.decode()
    assert requests_list.status_code == leads_list.status_code == 200
    assert (
        requests_list.context["cl"].date_hierarchy == leads_list.context["cl"].date_hierarchy == "created_at"
    )
    assert exporter.get(reverse("admin:leads_leadexport_export")).status_code == 200
    assert exporter.get(reverse("admin:leads_campaigndashboard_changelist")).status_code == 200
    assert exporter.get(reverse("admin:leads_sponsorship_changelist")).status_code == 200
    assert exporter.get(reverse("admin:leads_sponsorship_add")).status_code == 403
    refused = exporter.post(
        reverse("admin:programs_program_change", args=[program.pk]), {"name": "Renamed by an exporter"}
    )
    assert refused.status_code == 403
    assert not Sponsorship.objects.filter(program__name="Renamed by an exporter").exists()


def test_staff_without_a_role_see_nothing(lead: Lead) -> None:
    _, clerk = staff_in(None)

    assert_refused(clerk, [*lead_urls(lead), *campaign_urls(lead), *export_urls()])
    assert clerk.get(reverse("admin:programs_program_changelist")).status_code == 403
