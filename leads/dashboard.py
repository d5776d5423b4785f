"""The operations dashboard: lead requests a day per campaign and progress toward the caps.

Counts only, never who the leads are: campaign managers see it without leads.view_lead. Two
queries whatever the number of campaigns (the campaigns with their cap counts, then the counts
per campaign and local day); the charts are SVG drawn here and rendered by the template, so the
admin needs no JavaScript or charting library, and each chart has a table of the same numbers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import LeadRequest, Sponsorship, local_day_bounds

DAYS = 30

# SVG geometry, in viewBox units; the chart scales to the width of the page.
WIDTH = 640
HEIGHT = 200
LEFT = 40  # room for the y-axis labels
RIGHT = 80  # room for the daily cap's label
TOP = 12
BOTTOM = 28  # room for the x-axis labels
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
BAR_GAP = 0.2  # share of each day's slot left empty


@dataclass(frozen=True)
class Day:
    day: datetime.date
    billable: int
    over_cap: int


@dataclass(frozen=True)
class Bar:
    day: Day
    x: float
    width: float
    billable_y: float
    billable_height: float
    over_cap_y: float
    over_cap_height: float


@dataclass(frozen=True)
class Tick:
    label: str
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class Progress:
    count: int
    cap: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.count / self.cap)) if self.cap else 0

    @property
    def reached(self) -> bool:
        return self.count >= self.cap


@dataclass(frozen=True)
class CampaignChart:
    campaign: Sponsorship
    live: bool
    today: Progress
    total: Progress
    days: list[Day]
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    cap_y: float | None  # the daily cap line, when it fits on the scale
    description: str

    @property
    def billable_in_period(self) -> int:
        return sum(d.billable for d in self.days)

    @property
    def over_cap_in_period(self) -> int:
        return sum(d.over_cap for d in self.days)


@dataclass(frozen=True)
class Dashboard:
    today: datetime.date
    first_day: datetime.date
    charts: list[CampaignChart]
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def build(*, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    first_day = today - datetime.timedelta(days=DAYS - 1)
    campaigns = list(
        Sponsorship.objects.filter(starts_on__lte=today, ends_on__gte=first_day)
        .with_lead_counts(on=today)
        .select_related("sponsor", "program__institution", "program__cip", "institution")
        .order_by("-ends_on", "name", "pk")
    )
    per_day = _counts_per_day(campaigns, first_day=first_day, today=today)
    days = [first_day + datetime.timedelta(days=n) for n in range(DAYS)]
    live = {
        c.pk for c in campaigns if c.status == Sponsorship.Status.ACTIVE and c.starts_on <= today <= c.ends_on
    }
    charts = [
        _chart(c, [per_day[c.pk].get(day, Day(day, 0, 0)) for day in days], live=c.pk in live)
        for c in campaigns
    ]
    return Dashboard(today=today, first_day=first_day, charts=charts)


def _counts_per_day(
    campaigns: list[Sponsorship], *, first_day: datetime.date, today: datetime.date
) -> dict[int, dict[datetime.date, Day]]:
    per_day: dict[int, dict[datetime.date, Day]] = defaultdict(dict)
    if not campaigns:
        return per_day
    since, _ = local_day_bounds(first_day)
    _, until = local_day_bounds(today)
    rows = (
        LeadRequest.objects.filter(sponsorship__in=campaigns, created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("sponsorship_id", "day")
        .annotate(
            billable=Count("pk", filter=Q(status__in=[LeadRequest.Status.NEW, LeadRequest.Status.EXPORTED])),
            over_cap=Count("pk", filter=Q(status=LeadRequest.Status.OVER_CAP)),
        )
    )
    for row in rows:
        per_day[row["sponsorship_id"]][row["day"]] = Day(row["day"], row["billable"], row["over_cap"])
    return per_day


def _short(day: datetime.date) -> str:
    return f"{day:%b} {day.day}"


def nice_ceiling(value: int) -> int:
    """The y-axis top: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if step * multiple >= value:
                return step * multiple
        step *= 10


def _chart(campaign: Sponsorship, days: list[Day], *, live: bool) -> CampaignChart:
    highest = max((d.billable + d.over_cap for d in days), default=0)
    top = nice_ceiling(max(highest, campaign.daily_cap, 1))

    def y(value: float) -> float:
        return round(TOP + PLOT_HEIGHT * (1 - value / top), 2)

    slot = PLOT_WIDTH / len(days)
    bar_width = round(slot * (1 - BAR_GAP), 2)
    bars = []
    for index, day in enumerate(days):
        x = round(LEFT + index * slot + slot * BAR_GAP / 2, 2)
        billable_y = y(day.billable)
        over_cap_y = y(day.billable + day.over_cap)
        bars.append(
            Bar(
                day=day,
                x=x,
                width=bar_width,
                billable_y=billable_y,
                billable_height=round(TOP + PLOT_HEIGHT - billable_y, 2),
                over_cap_y=over_cap_y,
                over_cap_height=round(billable_y - over_cap_y, 2),
            )
        )
    label_days = (0, len(days) // 2, len(days) - 1)
    x_ticks = [
        Tick(label=f"{days[i].day:%b} {days[i].day.day}", x=round(LEFT + (i + 0.5) * slot, 2))
        for i in label_days
    ]
    y_ticks = [Tick(label=str(value), y=y(value)) for value in sorted({0, top // 2, top})]
    busiest = max(days, key=lambda d: (d.billable, d.day))
    description = (
        f"Billable lead requests a day for {campaign.name}, {days[0].day:%B} {days[0].day.day} to "
        f"{days[-1].day:%B} {days[-1].day.day}: {sum(d.billable for d in days)} in all, "
        f"{sum(d.over_cap for d in days)} more over the cap; the daily cap is {campaign.daily_cap}."
    )
    if busiest.billable:
        description += f" The busiest day was {busiest.day:%B} {busiest.day.day} with {busiest.billable}."
    return CampaignChart(
        campaign=campaign,
        live=live,
        today=Progress(campaign.leads_today, campaign.daily_cap),
        total=Progress(campaign.leads_total, campaign.total_cap),
        days=days,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        cap_y=y(campaign.daily_cap) if campaign.daily_cap <= top else None,
        description=description,
    )
