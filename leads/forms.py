"""The wizard's forms: they validate and normalise, nothing else."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from programs.choices import EducationLevel

from .choices import RADIUS_CHOICES, DeliveryPreference, FieldOfInterest, MaxLength, StartWhen
from .places import UnknownZip, lookup_zip
from .validators import NAME_MAX, clean_email, clean_person_name, normalise_phone


def _radio(choices, *, label: str, required_message: str, coerce=str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=coerce,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


class EducationForm(forms.Form):
    education = _radio(
        EducationLevel.choices,
        label="What is your highest level of education?",
        required_message="Choose your highest level of education.",
        coerce=int,
    )


class InterestsForm(forms.Form):
    field = _radio(
        FieldOfInterest.choices,
        label="What do you want to study?",
        required_message="Choose what you want to study.",
    )
    delivery = _radio(
        DeliveryPreference.choices,
        label="Online or on campus?",
        required_message="Choose online, on campus or either.",
    )
    start = _radio(
        StartWhen.choices,
        label="How soon do you want to start?",
        required_message="Choose when you want to start.",
    )
    max_length = _radio(
        MaxLength.choices,
        label="What is the longest program you would consider?",
        required_message="Choose the longest program you would consider.",
    )


class LocationForm(forms.Form):
    zip_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        help_text="5 digits. We use it to find campuses near you and tell the schools your state.",
        error_messages={"required": "Enter your ZIP code.", "max_length": "Enter a 5-digit US ZIP code."},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    radius = _radio(
        RADIUS_CHOICES,
        label="How far could you travel to a campus?",
        required_message="Choose how far you could travel.",
        coerce=int,
    )

    def clean_zip_code(self) -> str:
        try:
            place = lookup_zip(self.cleaned_data["zip_code"])
        except UnknownZip as error:
            raise ValidationError(str(error), code="unknown_zip") from None
        return place.zip_code


class PicksForm(forms.Form):
    programs = forms.TypedMultipleChoiceField(
        label="Which schools may contact you?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one school that may contact you.",
            "invalid_choice": "One of the programs you ticked is not in your matches any more. Tick again.",
        },
    )

    def __init__(self, *args, program_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programs"].choices = [(pk, str(pk)) for pk in program_ids]


class ContactForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter your first name.",
            "max_length": f"Your first name can be at most {NAME_MAX} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=NAME_MAX,
        error_messages={
            "required": "Enter your last name.",
            "max_length": f"Your last name can be at most {NAME_MAX} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.CharField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "max_length": "An email address can be at most 254 characters.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=25,
        help_text="A US number with the area code, like (937) 512-3456.",
        error_messages={
            "required": "Enter your phone number.",
            "max_length": "A phone number can be at most 25 characters.",
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    consent = forms.BooleanField(
        label="I agree to be contacted by the schools named above, as described.",
        error_messages={"required": "Tick the box to agree to be contacted, or the schools can't reach you."},
    )
    # Honeypot: hidden from people (CSS and aria-hidden); software that fills every field fills it.
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    consent_digest = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_first_name(self) -> str:
        return clean_person_name(self.cleaned_data["first_name"], what="first name")

    def clean_last_name(self) -> str:
        return clean_person_name(self.cleaned_data["last_name"], what="last name")

    def clean_email(self) -> str:
        email, normalized = clean_email(self.cleaned_data["email"])
        self.email_normalized = normalized
        return email

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class StopContactForm(forms.Form):
    email = forms.CharField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"max_length": "An email address can be at most 254 characters."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=25,
        error_messages={"max_length": "A phone number can be at most 25 characters."},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    website = forms.CharField(required=False, label="Leave this empty", max_length=200)

    def clean_email(self) -> str:
        value = self.cleaned_data["email"]
        if not value.strip():
            return ""
        _email, normalized = clean_email(value)
        return normalized

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        return normalise_phone(value) if value.strip() else ""

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise ValidationError("Enter the email address or the phone number you gave the schools.")
        return data
