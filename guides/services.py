"""What a guide page shows beyond its own text: live figures from the catalog and the BLS data.

Nothing here is cached: campaigns (issue 5) and catalog imports change what the page shows, and
every request reads the current rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from leads.campaigns import lift_expression
from programs.choices import CredentialLevel, LengthBand
from programs.models import CatalogImport, CipCode, Occupation, Program

from .models import Guide

# The vintages of the data files the importer loads (programs/data/README.md): the BLS columns are
# oews_2025_* (May 2025 estimates) and bls_proj_*_2024_34; completions are IPEDS C2024_A.
OEWS_RELEASE = "May 2025"
PROJECTIONS_PERIOD = "2024\N{EN DASH}34"
COMPLETIONS_YEAR = "2023\N{EN DASH}24"
SPONSORED_WHY = (
    "This school pays us when you ask it to contact you. It is on this list for its number of "
    "graduates, like every program here; payment never changes which programs you can see."
)


@dataclass(frozen=True)
class PopularProgram:
    program: Program
    sponsored: bool = False
    # Shown behind "Why am I seeing this?" when sponsored: who pays and that it never changes fit.
    why: str = ""


@dataclass(frozen=True)
class PopularPrograms:
    items: list[PopularProgram]
    how_chosen: str
    fields: str = ""
    cip_codes: list[CipCode] = field(default_factory=list)

    @property
    def has_sponsored(self) -> bool:
        return any(item.sponsored for item in self.items)


def guide_cip_codes(*, guide: Guide) -> list[CipCode]:
    return list(CipCode.objects.filter(code__in=guide.cip_codes).order_by("code"))


def popular_programs(
    *, guide: Guide, limit: int = 5, cip_codes: list[CipCode] | None = None
) -> PopularPrograms:
    """The listed programs with the most 2023-24 graduates, one per school, in the guide's CIP codes.

    Sponsorship never changes which programs are chosen or their order (the page says how they
    are chosen); a program a live campaign with room sponsors is labelled, with the reason.
    """
    cip_codes = guide_cip_codes(guide=guide) if cip_codes is None else cip_codes
    candidates = (
        Program.objects.listed()
        .filter(cip__in=[cip.code for cip in cip_codes], completions__gt=0)
        .select_related("institution", "cip")
        .annotate(sponsorship_lift=lift_expression(on=timezone.localdate()))
        .order_by("-completions", "pk")[: limit * 4]
    )
    items: list[PopularProgram] = []
    schools: set[int] = set()
    for program in candidates:
        if program.institution_id in schools:
            continue
        schools.add(program.institution_id)
        if program.sponsorship_lift is None:
            items.append(PopularProgram(program=program))
        else:
            items.append(PopularProgram(program=program, sponsored=True, why=SPONSORED_WHY))
        if len(items) == limit:
            break
    fields = " and ".join(f"{cip.title.rstrip('.')} (CIP {cip.code})" for cip in cip_codes)
    fields = fields or "the programs this guide covers"
    how_chosen = (
        f"The programs with the most graduates in {COMPLETIONS_YEAR} (U.S. Department of Education, "
        f"IPEDS completions), one per school, among {fields}. "
        "Many graduates means a large program, not a better one: compare accreditation, cost and "
        "length before you choose."
    )
    return PopularPrograms(items=items, how_chosen=how_chosen, fields=fields, cip_codes=cip_codes)


def guide_occupations(*, guide: Guide) -> list[Occupation]:
    """The BLS occupations the guide's CIP codes lead to (NCES CIP-SOC crosswalk)."""
    return list(
        Occupation.objects.filter(cip_codes__code__in=guide.cip_codes).distinct().order_by("soc_code")
    )


@dataclass(frozen=True)
class LengthCount:
    label: str
    count: int


def certificate_lengths(*, guide: Guide) -> list[LengthCount]:
    """How long the listed certificates in the guide's CIP codes are, by IPEDS length band."""
    counts = dict(
        Program.objects.listed()
        .filter(cip__in=guide.cip_codes, credential_level=CredentialLevel.CERTIFICATE)
        .values_list("length_band")
        .annotate(n=Count("pk"))
        .values_list("length_band", "n")
    )
    return [
        LengthCount(label=band.label, count=counts[band.value])
        for band in LengthBand
        if counts.get(band.value)
    ]


def catalog_imported_on() -> CatalogImport | None:
    return CatalogImport.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
