"""Institutional accreditation from the Department of Education's DAPIP file."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction

from ..models import Accreditation, Accreditor, Institution
from .common import BATCH_SIZE, Report, Summary, batches, counted, upsert
from .files import read_rows, required_int, us_date

DAPIP_AS_OF = datetime.date(2020, 11, 1)
# ACICS lost federal recognition on 2022-08-19 (U.S. Department of Education decision);
# DAPIP's 2020 snapshot still lists its accreditations as current.
RECOGNITION_WITHDRAWN = {
    "Accrediting Council for Independent Colleges and Schools": datetime.date(2022, 8, 19),
}
DAPIP_STATUS = {
    "Accredited": Accreditation.Status.ACCREDITED,
    "Preaccredited": Accreditation.Status.PREACCREDITED,
    "Denied Accreditation": Accreditation.Status.DENIED,
}
INSTITUTIONAL = "Institutional Accreditation"

RecordKey = tuple[int, str, str, datetime.date | None]


End = tuple[bool, datetime.date | None]  # (from the institution's own row, end date)


def _merge_end(old: End, new: End) -> End:
    """Pick one end date when DAPIP lists the same accreditation more than once.

    A row for the institution itself beats one for an additional location (a closed branch does
    not end the school's accreditation). Between rows of the same kind, an end date beats none and
    the later end beats the earlier: the site never claims an accreditation the file says ended.
    """
    (old_main, old_end), (new_main, new_end) = old, new
    if old_main != new_main:
        return old if old_main else new
    if old_end is None or new_end is None:
        return old_main, old_end or new_end
    return old_main, max(old_end, new_end)


def load_dapip(path: Path, institutions: dict[int, Institution], summary: Summary, report: Report) -> None:
    """Institutional accreditation from DAPIP (a November 2020 snapshot), for catalog institutions.

    Programmatic records (any ProgramName other than institutional accreditation) are not
    imported: programmatic accreditation such as CAHIIM is entered by an admin.
    """
    counts = summary.counts["institutional accreditations"]
    required = {"DapipId", "IpedsUnitIds", "LocationType", "AgencyName", "ProgramName",
                "AccreditationStatus", "AccreditationDate", "AccreditationEndDate"}  # fmt: skip
    records: dict[RecordKey, End] = {}
    for row in counted(read_rows(path, required), "DAPIP accreditation", report):
        if row["ProgramName"] != INSTITUTIONAL:
            continue
        status = DAPIP_STATUS.get(row["AccreditationStatus"])
        if status is None:
            raise row.error(f"unknown AccreditationStatus {row['AccreditationStatus']!r}")
        agency = row["AgencyName"]
        if not agency:
            raise row.error("AgencyName is empty")
        if len(agency) > Accreditor._meta.get_field("name").max_length:
            raise row.error("AgencyName is longer than 255 characters")
        granted = row.parse("AccreditationDate", us_date)
        ended = row.parse("AccreditationEndDate", us_date)
        if granted and ended and ended < granted:
            raise row.error(f"AccreditationEndDate {ended} is before AccreditationDate {granted}")
        main_campus = row["LocationType"] == "Institution"
        # IpedsUnitIds may hold several ids: "217235, 460349".
        for text in row["IpedsUnitIds"].split(","):
            if not text.strip():
                continue
            try:
                unitid = required_int(text.strip())
            except ValueError:
                raise row.error(f"IpedsUnitIds {row['IpedsUnitIds']!r} is not a list of unit ids") from None
            if unitid not in institutions:
                continue
            key = (unitid, agency, status, granted)
            found = (main_campus, ended)
            records[key] = _merge_end(records[key], found) if key in records else found

    with transaction.atomic():
        accreditors = upsert(
            Accreditor,
            "name",
            {
                name: {
                    "kind": Accreditor.Kind.INSTITUTIONAL,
                    "recognized_by": "U.S. Department of Education",
                    "recognition_ended_on": RECOGNITION_WITHDRAWN.get(name),
                }
                for name in {agency for _u, agency, _s, _g in records}
            },
            summary.counts["accreditors"],
        )
        in_catalog = {institution.pk for institution in institutions.values()}
        existing = {
            (a.institution_id, a.accreditor_id, a.status, a.granted_on): a
            for a in Accreditation.objects.filter(source=Accreditation.Source.DAPIP).only(
                "pk", "institution_id", "accreditor_id", "status", "granted_on", "ended_on"
            )
            if a.institution_id in in_catalog
        }
        keep, to_create, to_update = set(), [], []
        for (unitid, agency, status, granted), (_main, ended) in records.items():
            institution, accreditor = institutions[unitid], accreditors[agency]
            current = existing.get((institution.pk, accreditor.pk, status, granted))
            if current is None:
                to_create.append(
                    Accreditation(
                        accreditor=accreditor,
                        scope=Accreditation.Scope.INSTITUTIONAL,
                        institution=institution,
                        status=status,
                        granted_on=granted,
                        ended_on=ended,
                        source=Accreditation.Source.DAPIP,
                        as_of=DAPIP_AS_OF,
                    )
                )
                continue
            keep.add(current.pk)
            if current.ended_on != ended:
                current.ended_on = ended
                to_update.append(current)
            else:
                counts.unchanged += 1
        # DAPIP records of catalog institutions that the file no longer lists.
        stale = [a.pk for a in existing.values() if a.pk not in keep]
        for batch in batches(stale):
            Accreditation.objects.filter(pk__in=batch).delete()
        Accreditation.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        Accreditation.objects.bulk_update(to_update, ["ended_on"], batch_size=BATCH_SIZE)
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.removed += len(stale)
