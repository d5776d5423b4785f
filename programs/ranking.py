"""How the catalog orders programs, in one place.

"Best match" is `best_match_score()`: points for what makes a program a better pick among those the
visitor's filters already allow (programmatic accreditation, an accredited school, certification
prep, published outcomes, a search word in the title). Sponsored campaigns (leads/campaigns.py)
plug in at `sponsorship_lift()` and `is_sponsored()`: every row or page where `is_sponsored` is true
shows a "Sponsored" label (templates/programs/_sponsored_badge.html), and the lift is added to the
score. Each fit point here is a real difference (an accreditation, published outcomes, a search
word in the title), so the score counts fit in units of MAX_SPONSORSHIP_LIFT + 1: the largest lift
reorders programs of equal fit and never outweighs a single fit point. The lift only orders the
programs the filters already allow; it never adds or hides one.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from leads import campaigns
from leads.models import MAX_SPONSORSHIP_LIFT

from .choices import LengthBand
from .models import Program, program_accredited_by, school_accredited

SORT_CHOICES = [
    ("best", "Best match"),
    ("shortest", "Shortest first"),
    ("tuition", "Lowest tuition first"),
    ("completions", "Most graduates first"),
    ("name", "Program name, A to Z"),
]
DEFAULT_SORT = "best"

# Points of fit, added up by best_match_score().
FIT_POINTS = {
    "cahiim": 4,
    "pcap": 3,
    "school_accredited": 2,
    "title_matches_search": 3,
    "certification_prep": 1,
    "outcomes_published": 1,
}

LENGTH_ORDER = [
    LengthBand.UNDER_12_WEEKS,
    LengthBand.UNDER_1_YEAR,
    LengthBand.ONE_TO_TWO_YEARS,
    LengthBand.TWO_YEARS_OR_MORE,
    LengthBand.NOT_REPORTED,
]


def _points(condition: Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def best_match_score(*, text: str = "") -> Expression:
    """The fit of a listed program, before any sponsorship lift."""
    prepares_for_something = Q(pk__in=Program.certifications.through.objects.values("program_id"))
    score = (
        _points(program_accredited_by("CAHIIM"), FIT_POINTS["cahiim"])
        + _points(program_accredited_by("PCAP"), FIT_POINTS["pcap"])
        + _points(school_accredited(), FIT_POINTS["school_accredited"])
        + _points(prepares_for_something, FIT_POINTS["certification_prep"])
        + _points(Q(earnings_1yr__isnull=False), FIT_POINTS["outcomes_published"])
    )
    if text:
        score += _points(
            Q(name__icontains=text) | Q(cip__title__icontains=text), FIT_POINTS["title_matches_search"]
        )
    return score


# A fit point outweighs the largest lift (see the module docstring).
FIT_WEIGHT = MAX_SPONSORSHIP_LIFT + 1


def sponsorship_lift() -> Expression:
    """The lift (0 to MAX_SPONSORSHIP_LIFT) of the campaign sponsoring a program today, else NULL."""
    return campaigns.lift_expression(on=timezone.localdate())


def is_sponsored() -> Expression:
    """Whether a campaign with room sponsors the program today; needs the `sponsorship_lift` annotation."""
    return ExpressionWrapper(Q(sponsorship_lift__isnull=False), output_field=BooleanField())


def with_sponsorship(queryset: QuerySet[Program]) -> QuerySet[Program]:
    return queryset.annotate(sponsorship_lift=sponsorship_lift()).annotate(is_sponsored=is_sponsored())


def order_programs(queryset: QuerySet[Program], *, sort: str, text: str = "") -> QuerySet[Program]:
    """Order the catalog; every order ends on the primary key so pages never overlap or skip."""
    queryset = with_sponsorship(queryset)
    most_graduates = F("completions").desc(nulls_last=True)
    match sort:
        case "shortest":
            length_rank = Case(
                *(When(length_band=band, then=Value(rank)) for rank, band in enumerate(LENGTH_ORDER)),
                default=Value(len(LENGTH_ORDER)),
                output_field=IntegerField(),
            )
            return queryset.annotate(length_rank=length_rank).order_by(
                "length_rank", F("length_months").asc(nulls_last=True), most_graduates, "pk"
            )
        case "tuition":
            return queryset.annotate(
                tuition_figure=Coalesce("tuition", "institution__tuition_in_state")
            ).order_by(F("tuition_figure").asc(nulls_last=True), most_graduates, "pk")
        case "completions":
            return queryset.order_by(most_graduates, "institution__name", "pk")
        case "name":
            title = Coalesce(NullIf("name", Value("")), "cip__title")
            return queryset.annotate(title_sort=title).order_by("title_sort", "institution__name", "pk")
    lift = Coalesce("sponsorship_lift", Value(0), output_field=IntegerField())
    return queryset.annotate(best_score=best_match_score(text=text) * FIT_WEIGHT + lift).order_by(
        "-best_score", most_graduates, "institution__name", "pk"
    )
