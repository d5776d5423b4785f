"""How the catalog orders programs, in one place.

"Best match" is `best_match_score()`: points for what makes a program a better pick among those the
visitor's filters already allow (programmatic accreditation, an accredited school, certification
prep, published outcomes, a search word in the title). The sponsorship work (issue 5) plugs in at
`sponsorship_lift()` and `is_sponsored()`: the lift is added to the score (so it must stay small
next to FIT_POINTS, reordering similar fits only), and every row or page where `is_sponsored` is true
already shows a "Sponsored" badge (templates/programs/_sponsored_badge.html).
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf

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


def sponsorship_lift() -> Expression:
    """Issue 5 replaces this with the live campaign's bounded lift; zero while there are no campaigns."""
    return Value(0, output_field=IntegerField())


def is_sponsored() -> Expression:
    """Issue 5 replaces this with "has a live campaign"; the templates label such rows "Sponsored"."""
    return Value(False, output_field=BooleanField())


def with_sponsorship(queryset: QuerySet[Program]) -> QuerySet[Program]:
    return queryset.annotate(is_sponsored=is_sponsored())


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
    return queryset.annotate(best_score=best_match_score(text=text) + sponsorship_lift()).order_by(
        "-best_score", most_graduates, "institution__name", "pk"
    )
