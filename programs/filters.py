"""The catalog's filters: one FilterSet whose conditions also drive the facet counts.

Each filter value becomes a Q condition through `option_condition()`, the single definition of
what a choice selects. The results AND every active filter's condition; the counts next to a
filter's choices AND the other filters' conditions with the choice's own (programs/facets.py), so
a count and the results it leads to cannot disagree. Several values of one filter combine with OR.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict

from .choices import Control, CredentialLevel, Delivery, EducationLevel, LengthBand
from .models import Certification, CipCode, Program, program_accredited_by, school_accredited
from .ranking import DEFAULT_SORT, SORT_CHOICES, order_programs
from .states import STATES

MAX_VALUES = 60  # per multi-valued filter: more than every state, far fewer than a query can hold
MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 8
MAX_TUITION = 1_000_000

DELIVERY_CHOICES = [(d.value, d.label) for d in Delivery if d != Delivery.NOT_REPORTED]
LENGTH_CHOICES = [(b.value, b.label) for b in LengthBand if b != LengthBand.NOT_REPORTED]
# Labels name the accreditor, because "accredited" alone says nothing (REFERENCES.md).
ACCREDITATION_CHOICES = [
    ("institutional", "School accredited by a federally recognized accreditor"),
    ("cahiim", "Program accredited by CAHIIM"),
    ("pcap", "Program approved by AHIMA (PCAP)"),
]
PROGRAMMATIC_ACCREDITORS = {"cahiim": "CAHIIM", "pcap": "PCAP"}
STATE_CHOICES = sorted(STATES.items(), key=lambda item: item[1])

# Filters whose choice is the value of one column; the facet counts group by these columns.
# (Education is cumulative: a level admits every program whose requirement is at or below it.)
FACET_COLUMNS = {
    "cip": "cip_id",
    "credential": "credential_level",
    "delivery": "delivery",
    "length": "length_band",
    "state": "institution__state",
    "control": "institution__control",
    "education": "minimum_education",
}

CIP_CODE = re.compile(r"\d{2}\.\d{4}")
CERTIFICATION_CODE = re.compile(r"[A-Za-z][A-Za-z-]{1,9}")

# The filters that narrow the results, in the order the page shows them; `sort` only orders.
CONDITION_NAMES = (
    "q",
    "education",
    "credential",
    "delivery",
    "length",
    "accreditation",
    "certification",
    "cip",
    "state",
    "control",
    "max_tuition",
)
MULTI_VALUED = {
    "cip",
    "credential",
    "delivery",
    "length",
    "state",
    "control",
    "accreditation",
    "certification",
}


def shown(value: str) -> str:
    """A visitor's value made safe and short enough to repeat back in a message."""
    printable = "".join(ch if ch.isprintable() else "\ufffd" for ch in value)
    return printable if len(printable) <= 30 else printable[:29] + "…"


def search_condition(text: str) -> Q:
    """Every word must appear in the program's title, its CIP code, the school's name or its city."""
    condition = Q()
    for word in text.split()[:MAX_SEARCH_WORDS]:
        condition &= (
            Q(name__icontains=word)
            | Q(cip__title__icontains=word)
            | Q(cip__code__startswith=word)
            | Q(institution__name__icontains=word)
            | Q(institution__city__icontains=word)
        )
    return condition


def tuition_condition(dollars: int) -> Q:
    """The program's own published cost where an admin entered it, else the school's yearly
    in-state tuition and fees (IPEDS 2023-24). Programs with neither are left out."""
    return Q(tuition__lte=dollars) | Q(tuition__isnull=True, institution__tuition_in_state__lte=dollars)


def tuition_not_reported() -> Q:
    """Programs the tuition filter can never select: no program cost and no school tuition."""
    return Q(tuition__isnull=True, institution__tuition_in_state__isnull=True)


def option_condition(name: str, value: Any) -> Q:
    """The programs that one value of one filter selects."""
    match name:
        case "q":
            return search_condition(value)
        case "cip" | "credential" | "delivery" | "length" | "state" | "control":
            return Q(**{FACET_COLUMNS[name]: value})
        case "accreditation" if value == "institutional":
            return school_accredited()
        case "accreditation":
            return program_accredited_by(PROGRAMMATIC_ACCREDITORS[value])
        case "certification":
            prepares = Program.certifications.through.objects.filter(certification__code=value)
            return Q(pk__in=prepares.values("program_id"))
        case "education":
            return Q(**{f"{FACET_COLUMNS[name]}__lte": value})
        case "max_tuition":
            return tuition_condition(value)
    raise KeyError(name)


def filter_condition(name: str, value: Any) -> Q:
    """One filter's condition: its values combined with OR."""
    if name not in MULTI_VALUED:
        return option_condition(name, value)
    condition = Q()
    for item in value:
        condition |= option_condition(name, item)
    return condition


class ManyChoicesField(forms.MultipleChoiceField):
    """Several values of one filter (?delivery=online&delivery=hybrid), each checked, each once."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, noun: str, pattern: re.Pattern[str] | None = None, coerce: type = str, **kwargs):
        self.noun = noun
        self.pattern = pattern
        self.coerce = coerce
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        return list(dict.fromkeys(super().to_python(value)))

    def valid_value(self, value: str) -> bool:
        if self.pattern is not None:
            return self.pattern.fullmatch(value) is not None
        return super().valid_value(value)

    def validate(self, value: list[str]) -> None:
        if len(value) > MAX_VALUES:
            raise ValidationError(f"Choose at most {MAX_VALUES} {self.noun}.", code="too_many")
        for item in value:
            if not self.valid_value(item):
                raise ValidationError(
                    "“%(value)s” is not one of the %(noun)s listed here. Choose from the list.",
                    code="invalid_choice",
                    params={"value": shown(item), "noun": self.noun},
                )

    def clean(self, value: Any) -> list[Any]:
        return [self.coerce(item) for item in super().clean(value)]


class OneChoiceField(forms.TypedChoiceField):
    def __init__(self, *, noun: str, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": f"That is not one of the {noun} listed here. Choose from the list."},
        )
        super().__init__(**kwargs)


class SearchField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(strip=True, **kwargs)
        # Our own checks below say what is wrong in plain words; Django's defaults are replaced.
        self.validators = []

    def to_python(self, value: Any) -> str:
        return " ".join(str(super().to_python(value)).split())

    def validate(self, value: str) -> None:
        super().validate(value)
        if "\x00" in value:
            raise ValidationError(
                "Your search contains an invisible null character. Remove it and search again.", code="null"
            )
        if len(value) > MAX_SEARCH_LENGTH:
            raise ValidationError(
                f"Keep your search to {MAX_SEARCH_LENGTH} characters or fewer (it has {len(value):,}).",
                code="max_length",
            )


class DollarsField(forms.IntegerField):
    """Whole dollars; "$5,000" is read as 5000."""

    default_error_messages = {
        "invalid": "Enter the most you would pay in whole dollars, for example 5000.",
        "max_value": f"Enter an amount of ${MAX_TUITION:,} or less.",
        "min_value": "Enter an amount of $0 or more.",
    }

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_TUITION, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip().replace(",", "").removeprefix("$").strip()
        return super().to_python(value)


class ManyFilter(django_filters.Filter):
    field_class = ManyChoicesField


class OneChoiceFilter(django_filters.Filter):
    field_class = OneChoiceField


class SearchFilter(django_filters.Filter):
    field_class = SearchField


class DollarsFilter(django_filters.Filter):
    field_class = DollarsField


class CatalogForm(forms.Form):
    """Validates the filters. Codes that name database rows are looked up here: one query per
    such filter, and only when it is used."""

    def clean_cip(self) -> list[str]:
        codes = self.cleaned_data["cip"]
        self.cip_titles: dict[str, str] = dict(
            CipCode.objects.filter(code__in=codes).values_list("code", "title") if codes else []
        )
        _refuse_unknown(codes, self.cip_titles, noun="a field (CIP code) in this catalog")
        return codes

    def clean_certification(self) -> list[str]:
        codes = [code.upper() for code in self.cleaned_data["certification"]]
        known = (
            set(Certification.objects.filter(code__in=codes).values_list("code", flat=True))
            if codes
            else set()
        )
        _refuse_unknown(codes, known, noun="a certification we list")
        return codes


def _refuse_unknown(codes: Iterable[str], known: Iterable[str], *, noun: str) -> None:
    unknown = [code for code in codes if code not in set(known)]
    if unknown:
        raise ValidationError(
            "“%(value)s” is not %(noun)s. Choose from the list.",
            code="unknown",
            params={"value": shown(unknown[0]), "noun": noun},
        )


class ProgramFilter(django_filters.FilterSet):
    q = SearchFilter(label="Program, school or city")
    education = OneChoiceFilter(
        label="Programs I can enter with",
        noun="education levels",
        choices=EducationLevel.choices,
        coerce=int,
        empty_value=None,
    )
    credential = ManyFilter(label="Credential", noun="credential levels", choices=CredentialLevel.choices)
    delivery = ManyFilter(label="Delivery", noun="delivery options", choices=DELIVERY_CHOICES)
    length = ManyFilter(label="Length", noun="program lengths", choices=LENGTH_CHOICES)
    accreditation = ManyFilter(
        label="Accreditation", noun="accreditation options", choices=ACCREDITATION_CHOICES
    )
    certification = ManyFilter(label="Prepares for", noun="certifications", pattern=CERTIFICATION_CODE)
    cip = ManyFilter(label="Field of study", noun="fields of study", pattern=CIP_CODE)
    state = ManyFilter(label="State", noun="states", choices=STATE_CHOICES)
    control = ManyFilter(label="Type of school", noun="types of school", choices=Control.choices, coerce=int)
    max_tuition = DollarsFilter(label="Tuition up to ($)")
    sort = OneChoiceFilter(label="Sort by", noun="sort orders", choices=SORT_CHOICES, empty_value="")

    class Meta:
        model = Program
        fields: list[str] = []
        form = CatalogForm

    def conditions(self) -> dict[str, Q]:
        """The condition of every valid, non-empty filter, by name. Invalid filters are left out
        (the form shows their errors), so bad input never changes the results."""
        if not hasattr(self, "_conditions"):
            self._conditions: dict[str, Q] = {}
            if self.is_bound:
                self.errors  # noqa: B018 (runs the validation)
                data = self.form.cleaned_data
                for name in CONDITION_NAMES:
                    value = data.get(name)
                    if value not in (None, "", [], ()):
                        self._conditions[name] = filter_condition(name, value)
        return self._conditions

    def filter_queryset(self, queryset: Any) -> Any:
        # All conditions are applied here in one .filter() (rather than one per Filter) because the
        # facet counts need the same conditions one by one; the ordering lives in programs/ranking.py.
        return order_programs(
            queryset.filter(*self.conditions().values()), sort=self.sort_order, text=self.search_text
        )

    @property
    def sort_order(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    @property
    def search_text(self) -> str:
        return self.value("q") or ""

    def valid_query(self) -> QueryDict:
        """The request's filters without the invalid or empty ones, as links on the page carry them."""
        query = QueryDict(mutable=True)
        if self.is_bound:
            self.errors  # noqa: B018 (runs the validation)
            for name in self.filters:
                values = [value for value in self.data.getlist(name) if value != ""]
                if values and name not in self.form.errors:
                    query.setlist(name, values)
        return query

    def value(self, name: str) -> Any:
        """A filter's valid value, or None when it is empty or invalid."""
        if not self.is_bound:
            return None
        self.errors  # noqa: B018 (runs the validation)
        value = self.form.cleaned_data.get(name)
        return None if value in (None, "", [], ()) else value
