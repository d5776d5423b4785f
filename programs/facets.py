"""Facet counts: how many programs each filter choice would give, from the results' own conditions.

The count next to a choice is the number of programs that match every *other* active filter and
that choice (so choices of one filter, which combine with OR, each show what they add). It is built
from `ProgramFilter.conditions()` and `option_condition()`, the very conditions the results use, so
a count and the page it leads to cannot disagree.

Four queries, whatever the filters and the page size. The first groups the listed programs by the
facet columns (credential, delivery, length, admission requirement, school type) and by whether
each active filter holds, counting each accreditation choice and the programs without tuition
within each group; every fixed-choice count, the total, the "not reported" notes and the "without
this filter" counts of the empty-result advice are sums over its few dozen rows. It evaluates each
condition once per program, where one aggregate with a filtered count per choice would evaluate
(and compile) every condition once per count. State, field of study and certification each take
one grouped query.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import QueryDict

from .choices import Control, CredentialLevel, Delivery, EducationLevel, LengthBand
from .filters import (
    ACCREDITATION_CHOICES,
    CONDITION_NAMES,
    DELIVERY_CHOICES,
    FACET_COLUMNS,
    LENGTH_CHOICES,
    ProgramFilter,
    option_condition,
    tuition_not_reported,
)
from .models import Certification, Program
from .states import state_name

# Facets whose choices are fixed, counted from the one grouped query.
FIXED_CHOICES: dict[str, list[tuple[Any, str]]] = {
    "education": list(EducationLevel.choices),
    "credential": list(CredentialLevel.choices),
    "delivery": DELIVERY_CHOICES,
    "length": LENGTH_CHOICES,
    "accreditation": ACCREDITATION_CHOICES,
    "control": list(Control.choices),
}
GROUPED_COLUMNS = ("education", "credential", "delivery", "length", "control")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int
    selected: bool
    input_id: str


@dataclass(frozen=True)
class Facet:
    name: str
    legend: str
    choices: list[Choice]
    errors: list[str] = field(default_factory=list)
    not_reported: int | None = None

    @property
    def selected_labels(self) -> list[str]:
        return [choice.label for choice in self.choices if choice.selected]


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, with the link that removes it and how many programs that would give."""

    name: str
    label: str
    remove_query: str
    count_without: int


@dataclass(frozen=True)
class CatalogCounts:
    total: int
    facets: dict[str, Facet]
    active: list[ActiveFilter]
    not_reported: dict[str, int]

    @property
    def loosening(self) -> list[ActiveFilter]:
        """The filters worth removing when nothing matches, the most rewarding first."""
        return sorted((f for f in self.active if f.count_without), key=lambda f: -f.count_without)


def catalog_counts(filterset: ProgramFilter, *, query: QueryDict) -> CatalogCounts:
    """Counts for the page whose filters are `filterset` (bound to `query`, the request's GET)."""
    base: QuerySet[Program] = filterset.queryset.order_by()
    conditions = filterset.conditions()

    def others(name: str) -> Q:
        return Q(*(condition for other, condition in conditions.items() if other != name))

    # Group by the facet columns and by whether each active filter holds; within each group, count
    # the programs of each accreditation choice and those without any tuition figure.
    filter_flags = {name: f"filter_{number}" for number, name in enumerate(conditions)}
    accreditation_counts = {
        value: f"accreditation_{number}" for number, (value, _) in enumerate(ACCREDITATION_CHOICES)
    }
    columns = {name: FACET_COLUMNS[name] for name in GROUPED_COLUMNS}
    groups = (
        base.annotate(
            **{
                alias: ExpressionWrapper(conditions[name], output_field=BooleanField())
                for name, alias in filter_flags.items()
            }
        )
        .values(*columns.values(), *filter_flags.values())
        .annotate(
            n=Count("pk"),
            no_tuition=Count("pk", filter=tuition_not_reported()),
            **{
                alias: Count("pk", filter=option_condition("accreditation", value))
                for value, alias in accreditation_counts.items()
            },
        )
        .order_by()
    )

    total = 0
    without: Counter[str] = Counter()
    tallies: dict[str, Counter[Any]] = {name: Counter() for name in FIXED_CHOICES}
    tuition_missing = 0
    for group in groups:
        n = group["n"]
        failing = {name for name, alias in filter_flags.items() if not group[alias]}
        # A group counts toward a filter's choices when every *other* filter holds for it.
        if len(failing) > 1:
            continue
        if not failing:
            total += n
        for name in conditions:
            if _others_hold(failing, name):
                without[name] += n
        for name, column in columns.items():
            if _others_hold(failing, name):
                tallies[name][group[column]] += n
        if _others_hold(failing, "accreditation"):
            for value, alias in accreditation_counts.items():
                tallies["accreditation"][value] += group[alias]
        if _others_hold(failing, "max_tuition"):
            tuition_missing += group["no_tuition"]
    # A visitor with education level L can enter every program requiring L or less.
    by_requirement = tallies["education"]
    tallies["education"] = Counter(
        {
            level: sum(n for required, n in by_requirement.items() if required <= level)
            for level, _ in EducationLevel.choices
        }
    )

    states = dict(
        base.filter(others("state"))
        .exclude(institution__state="")
        .values_list("institution__state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cips = {
        code: (title, n)
        for code, title, n in base.filter(others("cip"))
        .values_list("cip_id", "cip__title")
        .annotate(n=Count("pk"))
        .order_by()
    }
    # Checked link by link (few: admins enter them), not by listing every program in scope.
    in_scope = Exists(base.filter(others("certification"), pk=OuterRef("programs")))
    certifications = list(
        Certification.objects.annotate(n=Count("programs", filter=in_scope)).order_by("code")
    )

    form = filterset.form
    selected = {
        name: _selected(filterset, name) for name in (*FIXED_CHOICES, "state", "cip", "certification")
    }
    facets: dict[str, Facet] = {}
    for name, choices in FIXED_CHOICES.items():
        facets[name] = _facet(
            filterset,
            name,
            [(value, label, tallies[name][value]) for value, label in choices],
            selected[name],
        )
    state_codes = sorted(set(states) | set(selected["state"]), key=state_name)
    facets["state"] = _facet(
        filterset,
        "state",
        [(code, state_name(code), states.get(code, 0)) for code in state_codes],
        selected["state"],
    )
    cip_titles = getattr(form, "cip_titles", {})
    for code in selected["cip"]:
        cips.setdefault(code, (cip_titles.get(code, code), 0))
    facets["cip"] = _facet(
        filterset,
        "cip",
        [
            (code, f"{title.rstrip('.')} ({code})", n)
            for code, (title, n) in sorted(cips.items(), key=_by_title)
        ],
        selected["cip"],
    )
    facets["certification"] = _facet(
        filterset,
        "certification",
        [(c.code, f"{c.code}: {c.name} ({c.body})", c.n) for c in certifications],
        selected["certification"],
    )

    not_reported = {
        "delivery": tallies["delivery"][Delivery.NOT_REPORTED],
        "length": tallies["length"][LengthBand.NOT_REPORTED],
        "max_tuition": tuition_missing,
    }
    for name in ("delivery", "length"):
        facets[name] = replace(facets[name], not_reported=not_reported[name])
    active = [
        ActiveFilter(
            name=name,
            label=_active_label(filterset, name, facets),
            remove_query=_without(query, name),
            count_without=without[name],
        )
        for name in CONDITION_NAMES
        if name in conditions
    ]
    return CatalogCounts(total=total, facets=facets, active=active, not_reported=not_reported)


def _input_id(name: str, value: Any) -> str:
    """A stable id per choice (not per position), so htmx can put focus back on the same box."""
    return f"id_{name}_" + re.sub(r"[^A-Za-z0-9-]", "-", str(value))


def _others_hold(failing: set[str], name: str) -> bool:
    return not failing or failing == {name}


def _by_title(item: tuple[str, tuple[str, int]]) -> tuple[str, str]:
    code, (title, _n) = item
    return (title.lower(), code)


def _selected(filterset: ProgramFilter, name: str) -> set[str]:
    value = filterset.value(name)
    if value is None:
        return set()
    values = value if isinstance(value, list) else [value]
    return {str(item) for item in values}


def _facet(
    filterset: ProgramFilter, name: str, rows: list[tuple[Any, str, int]], selected: set[str]
) -> Facet:
    return Facet(
        name=name,
        legend=str(filterset.filters[name].label),
        choices=[
            Choice(str(value), label, count, str(value) in selected, _input_id(name, value))
            for value, label, count in rows
        ],
        errors=list(filterset.form.errors.get(name, [])),
    )


def _active_label(filterset: ProgramFilter, name: str, facets: dict[str, Facet]) -> str:
    value = filterset.value(name)
    if name == "q":
        return f"Search: “{value}”"
    if name == "max_tuition":
        return f"Tuition up to ${value:,}"
    if name == "education":
        return f"Open to: {EducationLevel(value).label}"
    facet = facets[name]
    return f"{facet.legend}: {' or '.join(facet.selected_labels)}"


def _without(query: QueryDict, name: str) -> str:
    """The query string of this page without one filter (and back on page 1)."""
    remaining = query.copy()
    for key in (name, "page"):
        remaining.pop(key, None)
    encoded = remaining.urlencode()
    return f"?{encoded}" if encoded else "?"
