"""The export page, the changelist actions and the export log in the admin: who may do what."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from leads.models import LeadExport, LeadRequest
from leads.roles import CAMPAIGN_MANAGER, LEAD_EXPORTER, LISTING_EDITOR, setup_roles
from leads.services import revocation_record
from tests import factories

from .export_support import (
    ACTION_PERMISSIONS,
    EXPORTER_PERMISSIONS,
    MANAGER_PERMISSIONS,
    body,
    logged_in,
    make_lead,
    requests_of,
    rows,
    sponsor,
    user_with,
)

pytestmark = pytest.mark.django_db

PAGE = "/admin/leads/leadexport/export/"
LOG = "/admin/leads/leadexport/"
CHANGELIST = "/admin/leads/leadrequest/"
NOV_2 = datetime.datetime(2026, 11, 2, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def sinclair():
    return factories.program("sinclair", "51.0713", 21)


@pytest.fixture
def owner(sinclair):
    owner = sponsor("Sinclair CC", sinclair)
    with time_machine.travel(NOV_2):
        make_lead(sinclair, email="ana@example.com")
        make_lead(sinclair, email="ben@example.com")
    return owner


def form(owner, *, button: str = "export", **kw) -> dict:
    return {"sponsor": owner.pk, "since": "2026-11-01", "until": "2026-11-30", "bom": "on", button: "1"} | kw


# Who may export ----------------------------------------------------------------------------------

OTHERS = {
    "listing editor": ("view_program", "change_program", "view_institution"),
    "campaign manager": MANAGER_PERMISSIONS,
    "lead viewer": ("view_lead", "view_leadrequest", "view_lead_personal_data"),
    "export permission only": ("export_leadrequest", "view_lead", "view_leadrequest"),
}


@pytest.mark.parametrize("role", OTHERS)
def test_staff_without_both_export_permissions_get_403_on_the_page(owner, role) -> None:
    client = logged_in(user_with("other", *OTHERS[role]))

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, form(owner)).status_code == 403
    assert LeadExport.objects.count() == 0
    assert {r.status for r in requests_of(owner)} == {LeadRequest.Status.NEW}


def test_the_export_permissions_without_staff_status_do_not_open_the_page(owner) -> None:
    client = logged_in(user_with("outsider", *EXPORTER_PERMISSIONS, staff=False))

    response = client.post(PAGE, form(owner))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert LeadExport.objects.count() == 0


def test_visitors_are_sent_to_the_admin_login(owner, client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_superuser_may_export(owner, admin_client) -> None:
    assert admin_client.get(PAGE).status_code == 200


# The page ----------------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC))
def test_the_page_offers_this_month_so_far_and_excel_friendly_output(owner) -> None:
    client = logged_in(user_with("exporter", *EXPORTER_PERMISSIONS))

    response = client.get(PAGE, {"sponsor": owner.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<label class="required" for="id_sponsor">Sponsor</label>' in html
    assert f'<option value="{owner.pk}" selected>Sinclair CC</option>' in html
    assert 'type="date" name="since" value="2026-11-01"' in html
    assert 'type="date" name="until" value="2026-11-20"' in html
    assert 'aria-describedby="id_since_helptext"' in html
    assert 'name="bom" aria-describedby="id_bom_helptext" id="id_bom" checked' in html
    assert 'name="resend"' in html
    assert 'id="id_resend" checked' not in html


def test_export_streams_the_csv_as_an_attachment_and_logs_who_did_it(owner) -> None:
    user = user_with("exporter", *EXPORTER_PERMISSIONS)
    client = logged_in(user)

    response = client.post(PAGE, form(owner))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="leads-sinclair-cc-2026-11-01-to-2026-11-30.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbfLead request ID,")
    assert [r["Email"] for r in rows(data)] == ["ana@example.com", "ben@example.com"]
    export = LeadExport.objects.get()
    assert (export.via, export.created_by, export.sponsor, export.row_count) == ("page", user, owner, 2)
    assert {(r.status, r.export_id) for r in requests_of(owner)} == {(LeadRequest.Status.EXPORTED, export.pk)}


def test_count_only_previews_and_changes_nothing(owner) -> None:
    client = logged_in(user_with("exporter", *EXPORTER_PERMISSIONS))
    LeadRequest.objects.filter(lead__email="ben@example.com").update(status=LeadRequest.Status.REJECTED)

    response = client.post(PAGE, form(owner, button="preview"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>1</strong> lead request to send" in html
    assert "1 not billable (duplicate, rejected or over a cap)" in html
    assert LeadExport.objects.count() == 0
    assert requests_of(owner)[0].status == LeadRequest.Status.NEW


def test_nothing_to_send_says_so_and_writes_no_file(owner) -> None:
    client = logged_in(user_with("exporter", *EXPORTER_PERMISSIONS))
    body(client.post(PAGE, form(owner)))  # the export happens as the file streams
    revocation_record(email_normalized="ana@example.com")

    response = client.post(PAGE, form(owner))

    html = response.content.decode()
    assert response.status_code == 200
    assert not response.streaming
    assert "Nothing to export" in html
    assert "2 already exported (re-send them on purpose if needed)" not in html
    assert "1 already exported (re-send them on purpose if needed)" in html
    assert "1 whose visitor withdrew consent" in html
    assert LeadExport.objects.count() == 1


def test_a_resend_from_the_page_is_recorded_as_one(owner) -> None:
    client = logged_in(user_with("exporter", *EXPORTER_PERMISSIONS))
    body(client.post(PAGE, form(owner)))

    response = client.post(PAGE, form(owner, resend="on"))

    assert response["Content-Disposition"].endswith('-2026-11-01-to-2026-11-30-resend.csv"')
    assert len(rows(body(response))) == 2
    first, again = LeadExport.objects.order_by("pk")
    assert (again.resend, again.row_count) == (True, 2)
    assert {r.export_id for r in requests_of(owner)} == {first.pk}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"since": "2026-11-30", "until": "2026-11-01"}, "until", "The last day is before the first day."),
        ({"since": "1 November"}, "since", "Enter the first day as a date like 2026-11-01."),
        ({"until": ""}, "until", "Enter the last day, like 2026-11-01."),
        ({"sponsor": "999999"}, "sponsor", "That sponsor does not exist any more. Choose another."),
        ({"sponsor": ""}, "sponsor", "Choose the sponsor to export lead requests for."),
    ],
)
def test_bad_input_gets_a_clear_message_and_exports_nothing(owner, changes, field, message) -> None:
    client = logged_in(user_with("exporter", *EXPORTER_PERMISSIONS))

    response = client.post(PAGE, form(owner, **changes))

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in html or (
        f'aria-describedby="id_{field}_error"' in html
    )
    assert LeadExport.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(owner, method) -> None:
    client = logged_in(user_with("exporter", *EXPORTER_PERMISSIONS))
    assert getattr(client, method)(PAGE).status_code == 405


# The changelist actions ---------------------------------------------------------------------------


def said(response) -> str:
    return " | ".join(str(m) for m in get_messages(response.wsgi_request))


def action(client, name: str, requests, **extra):
    data = {"action": name, "index": "0", "select_across": "0", "_selected_action": [r.pk for r in requests]}
    return client.post(CHANGELIST, data | extra)


def test_exporters_export_the_selected_requests(owner) -> None:
    user = user_with("exporter", *ACTION_PERMISSIONS)
    client = logged_in(user)
    _first, second = requests_of(owner)

    response = action(client, "export_selected_as_csv", [second])

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="leads-sinclair-cc-')
    assert "no-store" in response["Cache-Control"]
    assert [int(r["Lead request ID"]) for r in rows(body(response))] == [second.pk]
    export = LeadExport.objects.get()
    assert (export.via, export.created_by, export.sponsor, export.row_count) == ("action", user, owner, 1)
    assert export.filters == {"lead_requests": [second.pk], "resend": False}
    assert [r.status for r in requests_of(owner)] == [LeadRequest.Status.NEW, LeadRequest.Status.EXPORTED]


def test_already_exported_selected_requests_go_out_only_with_the_resend_action(owner) -> None:
    client = logged_in(user_with("exporter", *ACTION_PERMISSIONS))
    requests = requests_of(owner)
    body(action(client, "export_selected_as_csv", requests[:1]))

    again = action(client, "export_selected_as_csv", requests)
    assert [int(r["Lead request ID"]) for r in rows(body(again))] == [requests[1].pk]
    assert "The CSV holds 1 request(s). Left out: 1 already exported" in said(again)

    nothing = action(client, "export_selected_as_csv", requests)
    assert nothing.status_code == 302
    assert "Nothing to export in the selection: 2 already exported" in said(nothing)

    resent = action(client, "resend_selected_as_csv", requests)
    assert len(rows(body(resent))) == 2
    assert list(LeadExport.objects.order_by("pk").values_list("resend", "row_count")) == [
        (False, 1),
        (False, 1),
        (True, 2),
    ]


def test_select_all_records_the_changelist_filters_but_never_the_search(owner) -> None:
    client = logged_in(user_with("exporter", *ACTION_PERMISSIONS))

    response = client.post(
        f"{CHANGELIST}?status__exact=new&q=ana%40example.com",
        {"action": "export_selected_as_csv", "index": "0", "select_across": "1", "_selected_action": ["1"]},
    )

    assert [r["Email"] for r in rows(body(response))] == ["ana@example.com"]
    export = LeadExport.objects.get()
    assert export.filters == {
        "select_across": True,
        "changelist_filters": {"status__exact": "new"},
        "searched": True,
        "resend": False,
    }
    assert "ana" not in str(export.filters)


@pytest.mark.parametrize("name", ["export_selected_as_csv", "resend_selected_as_csv"])
def test_the_actions_are_refused_with_403_to_staff_who_may_not_export(owner, name) -> None:
    viewer = logged_in(user_with("viewer", "view_lead", "view_leadrequest", "change_leadrequest"))

    changelist = viewer.get(CHANGELIST).content.decode()
    response = action(viewer, name, requests_of(owner))

    assert "mark_rejected" in changelist
    assert name not in changelist
    assert response.status_code == 403
    assert LeadExport.objects.count() == 0
    assert {r.status for r in requests_of(owner)} == {LeadRequest.Status.NEW}


def test_the_actions_are_offered_to_exporters(owner) -> None:
    changelist = logged_in(user_with("exporter", *ACTION_PERMISSIONS)).get(CHANGELIST).content.decode()
    assert "Export selected as CSV" in changelist
    assert "Re-send selected as CSV" in changelist


# The export log ------------------------------------------------------------------------------------


def test_campaign_managers_see_the_log_read_only_and_without_personal_data(
    owner, django_assert_num_queries
) -> None:
    exporter = logged_in(user_with("exporter", *ACTION_PERMISSIONS))
    body(exporter.post(PAGE, form(owner)))
    export = LeadExport.objects.get()
    manager = logged_in(user_with("manager", *MANAGER_PERMISSIONS))

    log = manager.get(LOG)
    detail = manager.get(f"{LOG}{export.pk}/change/")

    html = log.content.decode()
    assert log.status_code == 200
    assert detail.status_code == 200
    for shown in ("exporter", "Export page", "2026-11-01 to 2026-11-30", "Sinclair CC"):
        assert shown in html
    assert "Export leads for a sponsor" not in html
    assert "ana@example.com" not in html + detail.content.decode()
    assert manager.get(f"{LOG}add/").status_code == 403
    assert manager.post(f"{LOG}{export.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LeadExport.objects.count() == 1


def test_the_log_offers_the_export_page_to_exporters_only(owner) -> None:
    both = logged_in(user_with("both", *EXPORTER_PERMISSIONS, "view_leadexport"))
    assert "Export leads for a sponsor" in both.get(LOG).content.decode()


def test_staff_without_view_leadexport_cannot_see_the_log(owner) -> None:
    editor = logged_in(user_with("editor", "view_program", "change_program"))
    assert editor.get(LOG).status_code == 403


def test_the_log_needs_the_same_queries_for_one_export_or_many(owner, django_assert_max_num_queries) -> None:
    manager = logged_in(user_with("manager", *MANAGER_PERMISSIONS))
    LeadExport.objects.create(via="page", sponsor=owner, created_by=user_with("exporter0"), row_count=2)
    manager.get(LOG)  # the first view of a session does more
    with CaptureQueriesContext(connection) as one:
        manager.get(LOG)
    for n in range(1, 6):
        other = sponsor(f"Sponsor {n}")
        LeadExport.objects.create(
            via="command", sponsor=other, created_by=user_with(f"exporter{n}"), row_count=n
        )

    with django_assert_max_num_queries(len(one)):
        response = manager.get(LOG)

    assert response.content.decode().count("exporter") >= 6


# The real roles (leads/roles.py) -----------------------------------------------------------------


def member_of(role: str, username: str):
    setup_roles()  # the groups as the migration makes them (a transactional test may have emptied them)
    user = user_with(username)
    user.groups.add(Group.objects.get(name=role))
    return logged_in(User.objects.get(pk=user.pk))


def test_a_lead_exporter_exports_from_the_page_and_the_changelist_and_sees_the_log(owner) -> None:
    client = member_of(LEAD_EXPORTER, "exporter")
    first, _second = requests_of(owner)

    assert len(rows(body(client.post(PAGE, form(owner, until="2026-11-02"))))) == 2
    assert len(rows(body(action(client, "resend_selected_as_csv", [first])))) == 1
    log = client.get(LOG)

    assert log.status_code == 200
    assert "Export leads for a sponsor" in log.content.decode()
    assert list(LeadExport.objects.order_by("pk").values_list("via", "resend")) == [
        ("page", False),
        ("action", True),
    ]


def test_a_campaign_manager_sees_the_log_but_cannot_export(owner) -> None:
    client = member_of(CAMPAIGN_MANAGER, "manager")

    assert client.get(LOG).status_code == 200
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, form(owner)).status_code == 403
    assert action(client, "export_selected_as_csv", requests_of(owner)).status_code == 403
    assert LeadExport.objects.count() == 0


def test_a_listing_editor_can_neither_export_nor_see_the_log(owner) -> None:
    client = member_of(LISTING_EDITOR, "editor")

    for response in (client.get(LOG), client.get(PAGE), client.post(PAGE, form(owner))):
        assert response.status_code == 403
    assert action(client, "export_selected_as_csv", requests_of(owner)).status_code == 403
    assert {r.status for r in requests_of(owner)} == {LeadRequest.Status.NEW}


def test_a_resend_of_a_changelist_filtered_on_new_sends_what_it_marks(owner) -> None:
    # Marking changes the status the changelist filtered on: what was marked still goes out.
    client = logged_in(user_with("exporter", *ACTION_PERMISSIONS))

    response = client.post(
        f"{CHANGELIST}?status__exact=new",
        {"action": "resend_selected_as_csv", "index": "0", "select_across": "1", "_selected_action": ["1"]},
    )

    assert len(rows(body(response))) == 2
    assert {r.export_id for r in requests_of(owner)} == {LeadExport.objects.get().pk}
