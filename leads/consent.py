"""The consent disclosure shown on the contact step, versioned in code.

Any change to TEMPLATE is a new VERSION: every lead stores the exact text it was shown and the
version, so the evidence for old leads never changes. The wording follows ../shared/REFERENCES.md:
it names each school the visitor ticked, covers calls and texts (including automated technology)
at the number given and email at the address given, says consent is not a condition of
enrolling, and explains how to withdraw it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse

VERSION = "2026-11-26"

TEMPLATE = (
    'By ticking the box below and selecting "Send my request", I agree that {schools} may contact '
    "me about {their} programs by phone call and text message at the phone number I entered, "
    "including calls and texts made with automated technology and prerecorded or artificial "
    "voice messages, and by email at the email address I entered.\n\n"
    "My consent is not a condition of enrolling at any school or of buying anything. Message and "
    "data rates may apply.\n\n"
    "I can withdraw my consent at any time: reply STOP to a text message, tell the school on a "
    "call, or use the form at {stop_url}. CodingPath shares my details only with the school{s} "
    "named here."
)


def school_list(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def disclosure(*, school_names: Sequence[str]) -> str:
    """The disclosure for the schools the visitor picked, exactly as shown and stored."""
    unique = list(dict.fromkeys(school_names))
    if not unique:
        raise ValueError("A disclosure names at least one school.")
    return TEMPLATE.format(
        schools=school_list(unique),
        their="its" if len(unique) == 1 else "their",
        s="" if len(unique) == 1 else "s",
        stop_url=settings.SITE_URL + reverse("leads:stop_contact"),
    )


def digest(text: str) -> str:
    """A fingerprint of the text shown, sent with the form so the stored text is the one read."""
    return hashlib.sha256(f"{VERSION}\n{text}".encode()).hexdigest()
