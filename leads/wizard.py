"""The match wizard's state, kept server-side in the session (never in URLs).

Steps: 1 education, 2 interests, 3 location, 4 results (picks), 5 contact and consent; then the
confirmation. A step can be opened only when every earlier step is answered (OWASP ASVS 2.3.1).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, QueryDict

from .matching import Answers
from .places import UnknownZip, ZipPlace, lookup_zip

SESSION_KEY = "match"
LAST_STEP = 5
STEP_TITLES = {
    1: "Your education",
    2: "What you want to study",
    3: "Where you are",
    4: "Your matches",
    5: "Your details",
}
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@dataclass
class Wizard:
    session: SessionBase

    @property
    def data(self) -> dict:
        return self.session.setdefault(SESSION_KEY, {})

    def _save(self) -> None:
        self.session.modified = True

    # Answers ------------------------------------------------------------------------------------

    @property
    def education(self) -> int | None:
        return self.data.get("education")

    @property
    def interests(self) -> dict | None:
        return self.data.get("interests")

    @property
    def location(self) -> dict | None:
        return self.data.get("location")

    @property
    def place(self) -> ZipPlace | None:
        location = self.location
        if not location:
            return None
        try:
            return lookup_zip(location["zip"])
        except UnknownZip:
            return None

    @property
    def picks(self) -> list[int]:
        return list(self.data.get("picks", []))

    @property
    def requested_program_id(self) -> int | None:
        return self.data.get("requested_program_id")

    def answered(self, step: int) -> bool:
        if step == 1:
            return self.education is not None
        if step == 2:
            return self.interests is not None
        if step == 3:
            return self.place is not None
        if step == 4:
            return bool(self.data.get("picks_confirmed")) and bool(self.picks)
        return False

    def first_unanswered(self) -> int:
        for step in range(1, LAST_STEP):
            if not self.answered(step):
                return step
        return LAST_STEP

    def can_open(self, step: int) -> bool:
        return step <= self.first_unanswered()

    def answers(self) -> Answers:
        """The visitor's answers so far (steps 1 to 3 must be answered)."""
        interests = self.interests or {}
        location = self.location or {}
        return Answers(
            education=self.education if self.education is not None else 0,
            field=interests.get("field", "any"),
            delivery=interests.get("delivery", "either"),
            start=interests.get("start", "not_sure"),
            max_length=interests.get("max_length", "any"),
            place=self.place,
            radius_miles=location.get("radius", 50),
            requested_program_id=self.requested_program_id,
        )

    def _set(self, key: str, value: object) -> None:
        if self.data.get(key) != value:
            self.data[key] = value
            # Changed answers change the results: the picks must be confirmed again (they stay
            # ticked where the program is still a match).
            self.data["picks_confirmed"] = False
        self._save()

    def set_education(self, level: int) -> None:
        self._set("education", level)

    def set_interests(self, *, field: str, delivery: str, start: str, max_length: str) -> None:
        self._set(
            "interests", {"field": field, "delivery": delivery, "start": start, "max_length": max_length}
        )

    def set_location(self, *, zip_code: str, radius: int) -> None:
        self._set("location", {"zip": zip_code, "radius": radius})

    def set_picks(self, program_ids: list[int]) -> None:
        self.data["picks"] = program_ids
        self.data["picks_confirmed"] = True
        self._save()

    def set_requested_program(self, program_id: int) -> None:
        self._set("requested_program_id", program_id)

    def reset(self) -> None:
        done = self.data.get("leads", [])
        self.session[SESSION_KEY] = {"leads": done}

    # Submission token ---------------------------------------------------------------------------

    def token(self) -> str:
        """The submission token of this run: the same in every tab until a lead is stored."""
        if not self.data.get("token"):
            self.data["token"] = secrets.token_urlsafe(32)
            self._save()
        return self.data["token"]

    def lead_stored(self, lead_id: int) -> None:
        """After a lead: a new run needs new picks and gets a new token; answers are kept."""
        leads = self.data.setdefault("leads", [])
        if lead_id not in leads:
            leads.append(lead_id)
        self.data["last_lead"] = lead_id
        self.data["picks"] = []
        self.data["picks_confirmed"] = False
        self.data.pop("token", None)
        self._save()

    def owns_lead(self, lead_id: int) -> bool:
        return lead_id in self.data.get("leads", [])

    @property
    def last_lead_id(self) -> int | None:
        return self.data.get("last_lead")

    # Where the visitor came from ------------------------------------------------------------------

    def capture_source(self, request: HttpRequest, params: QueryDict) -> None:
        """Remember the first page and UTM parameters of this visit (kept for the consent record)."""
        if "source" in self.data:
            return
        page = params.get("source_page", "")
        if not (page.startswith("/") and not page.startswith("//")):
            referrer = request.META.get("HTTP_REFERER", "")
            parts = urlsplit(referrer)
            page = parts.path if parts.netloc == request.get_host() else ""
        utm = {}
        for key in UTM_KEYS:
            value = "".join(ch for ch in params.get(key, "") if ch.isprintable()).strip()[:100]
            if value:
                utm[key] = value
        self.data["source"] = {"page": page[:500], "utm": utm}
        self._save()

    @property
    def source(self) -> dict:
        return self.data.get("source", {"page": "", "utm": {}})
