"""The export page's form: a sponsor, a period of whole days, and two deliberate choices."""

from __future__ import annotations

import datetime

from django import forms

from .models import Sponsor


def _date_field(label: str, what: str, help_text: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter the {what}, like 2026-11-01.",
            "invalid": f"Enter the {what} as a date like 2026-11-01.",
        },
    )


class SponsorExportForm(forms.Form):
    sponsor = forms.ModelChoiceField(
        label="Sponsor",
        queryset=Sponsor.objects.order_by("name"),
        empty_label="Choose a sponsor",
        error_messages={
            "required": "Choose the sponsor to export lead requests for.",
            "invalid_choice": "That sponsor does not exist any more. Choose another.",
        },
    )
    since = _date_field("From", "first day", "Requests created on or after this day (site time zone).")
    until = _date_field("To", "last day", "Requests created on or before this day (site time zone).")
    resend = forms.BooleanField(
        label="Re-send: also include requests already exported",
        required=False,
        help_text="Only when the sponsor asks for them again. The export is logged as a re-send.",
    )
    bom = forms.BooleanField(
        label="For Excel: start the file with a UTF-8 byte order mark",
        required=False,
        initial=True,
        help_text="Excel then shows accents and non-Latin names correctly. Untick for software that "
        "does not expect it.",
    )

    def clean(self) -> dict:
        data = super().clean()
        since: datetime.date | None = data.get("since")
        until: datetime.date | None = data.get("until")
        if since and until and since > until:
            self.add_error("until", "The last day is before the first day. Check the dates.")
        return data
