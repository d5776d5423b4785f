"""Matching a visitor's answers to programs: hard rules first, then a fit score with reasons.

Hard rules decide whether a program is shown at all:
1. admission requirement: the program's minimum education is at or below the visitor's;
2. field: the program's CIP code is one of the field's codes (leads.choices.FIELD_CIP_CODES);
3. length: a known length band no longer than the longest the visitor would consider;
4. delivery and distance: see `reachable()`.

Delivery is known for few programs: the data marks a program "online" only when its school is
fully online, and almost every other program is "not reported". A visitor who wants online only
is never told a not-reported program is online; such programs are included only when their
campus is within the visitor's distance (so they are reachable whatever the school's format) and
are labelled "Delivery not reported: ask the school". Excluding them would hide nearly every
community college program in the country; calling them online would be a claim the data does
not make.

The fit score then orders what passed (constants below say what earns points). Scores are only
for ordering; visitors see the reasons, never the number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from dataclasses import field as dataclass_field

from django.db.models import Prefetch, Q
from django.utils import timezone

from programs.choices import Delivery, EducationLevel, LengthBand
from programs.models import Accreditation, Program, ProgramQuerySet

from . import campaigns
from .choices import (
    DEFAULT_RADIUS,
    FIELD_CIP_CODES,
    LENGTH_ORDER,
    MAX_LENGTH_ORDER,
    DeliveryPreference,
    FieldOfInterest,
    MaxLength,
    StartWhen,
)
from .models import MAX_SPONSORSHIP_LIFT
from .places import ZipPlace, bounding_box, distance_miles

MATCH_LIMIT = 20
AFTER_DIPLOMA_LIMIT = 10

# Fit points. Delivery weighs most because it decides whether the visitor can attend at all.
POINTS_DELIVERY_ASKED = 30  # the delivery the visitor asked for (any reported one for "either")
POINTS_DELIVERY_HYBRID = 20  # hybrid, for a visitor who wants a campus
POINTS_DELIVERY_UNKNOWN = 10  # not reported (for "online" or "campus"): reachable, but ask the school
POINTS_LENGTH_KNOWN = 15  # a known length within what the visitor would consider
POINTS_INSTITUTIONAL = 15  # current institutional accreditation (DAPIP)
POINTS_CAHIIM = 15  # CAHIIM programmatic accreditation (entered by an admin)
POINTS_PCAP = 10  # AHIMA PCAP approval (entered by an admin)
POINTS_COMPLETIONS = 5  # the program graduated someone in 2023-24
POINTS_EARNINGS = 5  # College Scorecard publishes earnings for it
POINTS_COST = 10  # cheaper earns more, linearly down to zero at COST_CEILING
COST_CEILING = 20_000
POINTS_NEAR = 10  # nearer campuses earn more, linearly down to zero at the visitor's radius

ADMISSION_REASONS = {
    EducationLevel.LESS_THAN_HIGH_SCHOOL: "No diploma needed",
    EducationLevel.HIGH_SCHOOL: "Accepts a high school diploma or GED",
    EducationLevel.SOME_COLLEGE: "Open to students with some college",
    EducationLevel.ASSOCIATE: "Requires an associate degree",
    EducationLevel.BACHELORS: "Requires a bachelor's degree",
    EducationLevel.MASTERS: "Requires a master's degree",
}


# ---------------------------------------------------------------------------------------------
# SPONSORSHIP LIFT: the one place where paid placement touches the ranking (rules: campaigns.py).
# It is added only to programs that already passed every hard rule, and is clamped to
# [0, MAX_LIFT] points: a sponsored program can overtake programs whose fit is within MAX_LIFT
# points of its own, never a clearly better fit, and it can never bring an unfit program in.
# A program in the returned dict is labelled "Sponsored", also when its campaign's lift is 0; a
# campaign that has reached its daily or total cap is left out, so its programs stay listed,
# unsponsored and unlifted.
MAX_LIFT = float(MAX_SPONSORSHIP_LIFT)


def sponsorship_lifts(programs: Iterable[Program], *, on: datetime.date) -> dict[int, float]:
    """Lift points per sponsored program id among `programs`, in one query."""
    return {pk: float(lift) for pk, lift in campaigns.lifts_for(programs, on=on).items()}


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """What the visitor told the wizard."""

    education: int
    field: str = FieldOfInterest.ANY
    delivery: str = DeliveryPreference.EITHER
    start: str = StartWhen.NOT_SURE
    max_length: str = MaxLength.ANY
    place: ZipPlace | None = None
    radius_miles: int = DEFAULT_RADIUS
    requested_program_id: int | None = None

    def as_json(self) -> dict[str, object]:
        """The answers as stored on a lead (the ZIP and state have their own columns)."""
        data = asdict(self)
        data.pop("place")
        data["field_label"] = FieldOfInterest(self.field).label
        data["delivery_label"] = DeliveryPreference(self.delivery).label
        data["start_label"] = StartWhen(self.start).label
        data["max_length_label"] = MaxLength(self.max_length).label
        return data


@dataclass(frozen=True)
class Match:
    program: Program
    score: float
    reasons: tuple[str, ...]
    mismatches: tuple[str, ...] = ()  # only for the program the visitor came from
    distance_miles: float | None = None
    sponsored: bool = False
    requested: bool = False
    needs_diploma_first: bool = False


@dataclass(frozen=True)
class Results:
    answers: Answers
    matches: tuple[Match, ...]
    total: int
    relaxed: tuple[str, ...] = ()
    after_diploma: tuple[Match, ...] = ()
    requested_note: str = ""
    needs_diploma: bool = False
    pickable_ids: frozenset[int] = dataclass_field(default_factory=frozenset)


def match_programs(answers: Answers, *, limit: int = MATCH_LIMIT, on: datetime.date | None = None) -> Results:
    """The programs that fit the answers, best first, with reasons; never raises on odd answers."""
    on = on or timezone.localdate()
    if answers.education < EducationLevel.HIGH_SCHOOL:
        return _diploma_path(answers, limit=limit, on=on)

    requested, requested_note = _requested(answers, on=on)
    relaxed: list[str] = []
    current = answers
    ranked = _ranked(_candidates(current, on=on), current, on=on, exclude_id=_id(requested))
    for label, widen in RELAXATIONS:
        if ranked or requested:
            break
        wider = widen(current)
        if wider != current:
            current = wider
            relaxed.append(label)
            ranked = _ranked(_candidates(current, on=on), current, on=on, exclude_id=None)
    shown = ([requested] if requested else []) + ranked[:limit]
    return Results(
        answers=answers,
        matches=tuple(shown),
        total=len(ranked) + (1 if requested else 0),
        relaxed=tuple(relaxed),
        requested_note=requested_note,
        pickable_ids=frozenset(m.program.pk for m in shown),
    )


# When nothing fits every answer, widen one answer at a time (in this order) and say so.
RELAXATIONS = (
    ("any length", lambda a: replace(a, max_length=MaxLength.ANY)),
    ("all three fields", lambda a: replace(a, field=FieldOfInterest.ANY)),
    ("up to 100 miles away", lambda a: replace(a, radius_miles=max(a.radius_miles, 100))),
)


def _diploma_path(answers: Answers, *, limit: int, on: datetime.date) -> Results:
    """Without a diploma: programs open to them now (high-school completion), then the rest."""
    now_answers = replace(answers, field=FieldOfInterest.ANY, max_length=MaxLength.ANY)
    candidates = _candidates(now_answers, on=on, any_field=True)
    now = _ranked(candidates, now_answers, on=on, any_field=True)[:limit]
    later_answers = replace(answers, education=EducationLevel.HIGH_SCHOOL)
    later = match_programs(later_answers, limit=AFTER_DIPLOMA_LIMIT, on=on)
    after = tuple(replace(m, needs_diploma_first=True) for m in later.matches)
    return Results(
        answers=answers,
        matches=tuple(now),
        total=len(now),
        relaxed=later.relaxed,
        after_diploma=after,
        requested_note=later.requested_note,
        needs_diploma=True,
        pickable_ids=frozenset(m.program.pk for m in now),
    )


def reachable(program: Program, answers: Answers) -> tuple[bool, float | None]:
    """Whether the visitor can attend, and the distance to the campus when it matters.

    Online programs are reachable from anywhere (unless the visitor wants a campus). Everything
    else, including "not reported", needs the campus within the visitor's distance.
    """
    if program.delivery == Delivery.ONLINE:
        return answers.delivery != DeliveryPreference.CAMPUS, None
    if answers.delivery == DeliveryPreference.ONLINE and program.delivery != Delivery.NOT_REPORTED:
        return False, None
    school = program.institution
    if answers.place is None or school.latitude is None or school.longitude is None:
        return False, None
    miles = distance_miles(answers.place.latitude, answers.place.longitude, school.latitude, school.longitude)
    return miles <= answers.radius_miles, miles


def hard_rule_failures(program: Program, answers: Answers, *, any_field: bool = False) -> list[str]:
    """Plain-words reasons a program does not fit; empty when it passes every hard rule."""
    failures = []
    if program.minimum_education > answers.education:
        failures.append(f"Needs: {EducationLevel(program.minimum_education).label.lower()}")
    if not any_field and program.cip_id not in FIELD_CIP_CODES[answers.field]:
        failures.append("Outside the field you chose")
    band = LENGTH_ORDER.get(program.length_band)
    if band is not None and band > MAX_LENGTH_ORDER[answers.max_length]:
        failures.append(f"Longer than you wanted ({program.length_label.lower()})")
    ok, miles = reachable(program, answers)
    if not ok:
        if program.delivery == Delivery.ONLINE:
            failures.append("Online only, and you asked for a campus")
        elif answers.delivery == DeliveryPreference.ONLINE and program.delivery != Delivery.NOT_REPORTED:
            failures.append(f"{program.get_delivery_display()}, not online")
        elif miles is None:
            failures.append("Campus location not reported")
        else:
            failures.append(f"{_miles(miles)} from {answers.place.zip_code}, farther than you said")
    return failures


def _candidates(answers: Answers, *, on: datetime.date, any_field: bool = False) -> list[Program]:
    """One query (plus two prefetches) narrowing in SQL what the hard rules check exactly."""
    qs = Program.objects.listed().open_to(answers.education).select_related("institution", "cip")
    if not any_field:
        qs = qs.filter(cip_id__in=FIELD_CIP_CODES[answers.field])
    longest = MAX_LENGTH_ORDER[answers.max_length]
    bands = [band for band, order in LENGTH_ORDER.items() if order <= longest]
    qs = qs.filter(length_band__in=[*bands, LengthBand.NOT_REPORTED])
    qs = qs.filter(_reach_q(answers))
    return list(_with_accreditation(qs, on=on))


def _reach_q(answers: Answers) -> Q:
    online = Q(delivery=Delivery.ONLINE)
    if answers.place is None:
        near = Q(pk__in=[])
    else:
        lat_min, lat_max, lon_min, lon_max = bounding_box(answers.place, answers.radius_miles)
        near = Q(
            institution__latitude__range=(lat_min, lat_max), institution__longitude__range=(lon_min, lon_max)
        )
    if answers.delivery == DeliveryPreference.ONLINE:
        return online | (Q(delivery=Delivery.NOT_REPORTED) & near)
    if answers.delivery == DeliveryPreference.CAMPUS:
        return ~online & near
    return online | near


def _with_accreditation(qs: ProgramQuerySet, *, on: datetime.date) -> ProgramQuerySet:
    current = Accreditation.objects.current(on=on).select_related("accreditor")
    return qs.prefetch_related(
        Prefetch(
            "institution__accreditations",
            queryset=current.filter(scope=Accreditation.Scope.INSTITUTIONAL),
            to_attr="current_institutional",
        ),
        Prefetch(
            "accreditations",
            queryset=current.filter(scope=Accreditation.Scope.PROGRAMMATIC),
            to_attr="current_programmatic",
        ),
    )


def _requested(answers: Answers, *, on: datetime.date) -> tuple[Match | None, str]:
    """The program the visitor came from: shown first when they can enter it, else explained."""
    if answers.requested_program_id is None:
        return None, ""
    program = (
        _with_accreditation(Program.objects.listed().select_related("institution", "cip"), on=on)
        .filter(pk=answers.requested_program_id)
        .first()
    )
    if program is None:
        return None, ""
    if program.minimum_education > answers.education:
        needs = EducationLevel(program.minimum_education).label.lower()
        return None, (
            f"{program.title} at {program.institution.name} needs a {needs} or higher, "
            "so it is not in your matches."
        )
    failures = hard_rule_failures(program, answers)
    _ok, miles = reachable(program, answers)
    lifts = sponsorship_lifts([program], on=on)
    match = _score(program, answers, miles, lifts)
    return replace(match, requested=True, mismatches=tuple(failures)), ""


def _ranked(
    programs: Iterable[Program],
    answers: Answers,
    *,
    on: datetime.date,
    exclude_id: int | None = None,
    any_field: bool = False,
) -> list[Match]:
    # The SQL in _candidates only narrows; the hard rules here decide.
    fitting: list[tuple[Program, float | None]] = []
    for program in programs:
        if program.pk == exclude_id or hard_rule_failures(program, answers, any_field=any_field):
            continue
        fitting.append((program, reachable(program, answers)[1]))
    lifts = sponsorship_lifts([p for p, _ in fitting], on=on)
    matches = [_score(program, answers, miles, lifts) for program, miles in fitting]
    matches.sort(
        key=lambda m: (
            -m.score,
            m.distance_miles if m.distance_miles is not None else 0.0,
            m.program.institution.name,
            m.program.title,
        )
    )
    return matches


def _score(program: Program, answers: Answers, miles: float | None, lifts: dict[int, float]) -> Match:
    reasons: list[str] = []
    score = 0.0

    delivery_points, delivery_reason = _delivery(program, answers)
    score += delivery_points
    reasons.append(delivery_reason)
    if miles is not None and answers.place is not None:
        reasons.append(f"{_miles(miles)} from {answers.place.zip_code}")
        score += POINTS_NEAR * max(0.0, 1 - miles / max(answers.radius_miles, 1))
    elif program.delivery == Delivery.ONLINE and answers.delivery == DeliveryPreference.EITHER:
        score += POINTS_NEAR / 2  # no travel, but the visitor said a campus is just as good

    reasons.append(ADMISSION_REASONS[EducationLevel(program.minimum_education)])

    if program.length_band in LENGTH_ORDER:
        score += POINTS_LENGTH_KNOWN
        reasons.append(f"Length: {program.length_label.lower()}")
    else:
        reasons.append("Length not reported")

    accreditation_points, accreditation_reasons = _accreditation(program)
    score += accreditation_points
    reasons.extend(accreditation_reasons)

    if program.completions:
        score += POINTS_COMPLETIONS
        reasons.append(f"{program.completions} completed it in 2023-24")
    if program.earnings_1yr:
        score += POINTS_EARNINGS
        # Scorecard reports per school, 4-digit field (51.07) and credential level, not per program.
        earnings = f"${program.earnings_1yr:,}"
        reasons.append(
            f"Median earnings a year after: {earnings} (College Scorecard, the school's whole field)"
        )

    cost, cost_reason = tuition_for(program, answers.place)
    if cost is not None:
        score += POINTS_COST * max(0.0, 1 - cost / COST_CEILING)
        reasons.append(cost_reason)

    sponsored = program.pk in lifts
    score += min(max(lifts.get(program.pk, 0.0), 0.0), MAX_LIFT)  # the bounded sponsorship lift
    return Match(
        program=program, score=score, reasons=tuple(reasons), distance_miles=miles, sponsored=sponsored
    )


def _delivery(program: Program, answers: Answers) -> tuple[float, str]:
    if program.delivery == Delivery.NOT_REPORTED:
        # Reachable either way (its campus is within the visitor's distance): for a visitor who
        # is fine with either, the unknown format costs nothing; for the others it might not fit.
        points = (
            POINTS_DELIVERY_ASKED
            if answers.delivery == DeliveryPreference.EITHER
            else POINTS_DELIVERY_UNKNOWN
        )
        return points, "Delivery not reported: ask the school"
    if program.delivery == Delivery.HYBRID and answers.delivery == DeliveryPreference.CAMPUS:
        return POINTS_DELIVERY_HYBRID, "Hybrid: some classes online, some on campus"
    label = "Hybrid: some classes online, some on campus" if program.delivery == Delivery.HYBRID else ""
    return POINTS_DELIVERY_ASKED, label or program.get_delivery_display()


def _accreditation(program: Program) -> tuple[float, list[str]]:
    points = 0.0
    reasons = []
    programmatic = {a.accreditor.short_name for a in getattr(program, "current_programmatic", [])}
    if "CAHIIM" in programmatic:
        points += POINTS_CAHIIM
        reasons.append("CAHIIM-accredited")
    if "PCAP" in programmatic:
        points += POINTS_PCAP
        reasons.append("AHIMA PCAP-approved")
    institutional = getattr(program.institution, "current_institutional", [])
    if institutional:
        points += POINTS_INSTITUTIONAL
        first = institutional[0]
        reasons.append(f"School accredited by {first.accreditor.name} (federal data, {first.as_of:%B %Y})")
    return points, reasons


def tuition_for(program: Program, place: ZipPlace | None) -> tuple[int | None, str]:
    """The cost to show and score: the program's own price, else the school's published tuition."""
    if program.tuition:
        return program.tuition, f"Program tuition ${program.tuition:,}"
    school = program.institution
    out_of_state = place is not None and school.state and place.state != school.state
    if out_of_state and school.tuition_out_of_state:
        return school.tuition_out_of_state, (
            f"Tuition and fees ${school.tuition_out_of_state:,} a year, out of state (2023-24)"
        )
    if school.tuition_in_state:
        residency = "in state" if school.tuition_out_of_state else "published"
        return (
            school.tuition_in_state,
            f"Tuition and fees ${school.tuition_in_state:,} a year, {residency} (2023-24)",
        )
    return None, ""


def _miles(miles: float) -> str:
    if miles < 1:
        return "Less than a mile"
    rounded = round(miles)
    return "1 mile" if rounded == 1 else f"{rounded} miles"


def _id(match: Match | None) -> int | None:
    return match.program.pk if match else None
