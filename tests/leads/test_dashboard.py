"""The operations dashboard: lead requests a day per campaign, progress toward the caps, counts only."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads import dashboard
from leads.roles import CAMPAIGN_MANAGER
from tests import factories
from tests.leads.campaign_helpers import campaign, staff_in, submit

pytestmark = pytest.mark.django_db

URL = reverse("admin:leads_campaigndashboard_changelist")
NEW_YORK = ZoneInfo("America/New_York")
TODAY = datetime.date(2026, 11, 20)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def coder():
    return factories.program("sinclair", "51.0713", 21)


def test_counts_per_local_day_with_what_went_over_the_cap(coder, django_assert_num_queries) -> None:
    sponsored = campaign(
        coder,
        daily_cap=2,
        starts_on=TODAY - datetime.timedelta(days=5),
        ends_on=TODAY + datetime.timedelta(days=5),
    )
    two_days_ago = TODAY - datetime.timedelta(days=2)
    for person in range(3):  # 23:30 in New York: already the next day in UTC, counted on its local day
        submit(coder, person=person, now=at(two_days_ago, 23, 30))
    submit(coder, person=10, now=at(TODAY, 9))

    with django_assert_num_queries(2):
        board = dashboard.build(today=TODAY)

    [chart] = board.charts
    by_day = {d.day: (d.billable, d.over_cap) for d in chart.days}
    assert len(chart.days) == dashboard.DAYS
    assert chart.days[0].day == TODAY - datetime.timedelta(days=29)
    assert chart.days[-1].day == TODAY
    assert by_day[two_days_ago] == (2, 1)
    assert by_day[two_days_ago + datetime.timedelta(days=1)] == (0, 0)
    assert by_day[TODAY] == (1, 0)
    assert (chart.today.count, chart.today.cap, chart.today.percent) == (1, 2, 50)
    assert (chart.total.count, chart.total.cap) == (3, sponsored.total_cap)
    assert chart.live
    assert chart.billable_in_period == 3
    assert chart.over_cap_in_period == 1


def test_only_campaigns_running_in_the_last_30_days_are_shown(coder) -> None:
    campaign(
        coder,
        name="Running",
        starts_on=TODAY - datetime.timedelta(days=40),
        ends_on=TODAY - datetime.timedelta(days=29),
    )
    campaign(
        coder,
        name="Long over",
        starts_on=TODAY - datetime.timedelta(days=90),
        ends_on=TODAY - datetime.timedelta(days=30),
    )
    campaign(
        coder,
        name="Not yet",
        starts_on=TODAY + datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=9),
    )

    board = dashboard.build(today=TODAY)

    assert [c.campaign.name for c in board.charts] == ["Running"]
    assert not board.charts[0].live


def test_the_chart_geometry_fits_the_scale(coder) -> None:
    campaign(coder, daily_cap=3, starts_on=TODAY - datetime.timedelta(days=3), ends_on=TODAY)
    for person in range(4):
        submit(coder, person=person, now=at(TODAY, 10))

    [chart] = dashboard.build(today=TODAY).charts

    bar = chart.bars[-1]
    assert [t.label for t in chart.y_ticks] == ["0", "2", "5"]  # 4 a day, on a scale up to 5
    assert bar.billable_height == pytest.approx(dashboard.PLOT_HEIGHT * 3 / 5, abs=0.01)
    assert bar.over_cap_height == pytest.approx(dashboard.PLOT_HEIGHT * 1 / 5, abs=0.01)
    assert chart.cap_y == pytest.approx(dashboard.TOP + dashboard.PLOT_HEIGHT * (1 - 3 / 5), abs=0.01)
    assert all(b.billable_height == 0 for b in chart.bars[:-1])
    assert all(dashboard.LEFT <= b.x < dashboard.WIDTH - dashboard.RIGHT for b in chart.bars)


@pytest.mark.parametrize(("value", "top"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (499, 500)])
def test_the_scale_ends_on_a_round_number(value: int, top: int) -> None:
    assert dashboard.nice_ceiling(value) == top


def test_the_page_draws_an_accessible_chart_with_a_table_and_no_personal_data(coder) -> None:
    campaign(coder, name="Sinclair coding", daily_cap=4, total_cap=20)
    submit(coder, person=1)
    submit(coder, person=2)
    _, manager = staff_in(CAMPAIGN_MANAGER)

    html = manager.get(URL).content.decode()

    svg = re.search(r"<svg viewBox=[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    title_id, desc_id = re.search(r'aria-labelledby="([^" ]+) ([^"]+)"', svg).groups()
    assert f'<title id="{title_id}">Lead requests a day, Sinclair coding</title>' in svg
    assert f'<desc id="{desc_id}">Billable lead requests a day for Sinclair coding' in svg
    assert svg.count('class="chart-billable"') == 1
    assert 'class="chart-cap"' in svg
    assert "<summary>The numbers, day by day</summary>" in html
    assert len(re.findall(r'<tr><th scope="row">', html)) == dashboard.DAYS
    assert "2 of 4 a day (50%)" in html
    assert "2 of 20 (10%)" in html
    assert '<progress id="today-' in html
    assert "visitor1@example.com" not in html
    assert "+19375550001" not in html
    assert "Núñez" not in html


def test_an_empty_dashboard_says_so(admin_client: Client) -> None:
    assert "No campaign ran in the last 30 days." in admin_client.get(URL).content.decode()


def test_the_dashboard_is_linked_from_the_admin_index(admin_client: Client) -> None:
    assert f'href="{URL}"' in admin_client.get(reverse("admin:index")).content.decode()


def test_strangers_and_staff_without_the_permission_are_refused(client: Client) -> None:
    assert client.get(URL).status_code == 302
    assert client.get(URL)["Location"].startswith("/admin/login/")
    _, clerk = staff_in(None)
    assert clerk.get(URL).status_code == 403
    assert clerk.post(URL).status_code == 403


def test_today_is_the_local_date() -> None:
    assert dashboard.build().today == timezone.localdate()
