"""The match wizard (/match/), its confirmation, and the form to stop being contacted.

Every step is a POST form that also works without JavaScript; with htmx the step is swapped in
place (the "wizard" partial of leads/match.html) and the step's URL pushed, which never holds
personal data. All pages here are `never_cache` (Cache-Control: no-store): they show answers,
ZIP codes and contact details.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from programs.choices import EducationLevel
from programs.models import Program

from . import consent, ratelimit
from .choices import DEFAULT_RADIUS, DeliveryPreference, FieldOfInterest, MaxLength, field_for_cip
from .forms import ContactForm, EducationForm, InterestsForm, LocationForm, PicksForm, StopContactForm
from .matching import Results, match_programs
from .models import Lead, LeadRequest
from .services import ConsentEvidence, Contact, LeadError, lead_create, revocation_record
from .validators import format_phone
from .wizard import LAST_STEP, STEP_TITLES, Wizard

logger = logging.getLogger(__name__)

WIZARD_TARGET = "match-wizard"
STEP_TEMPLATES = {
    1: "leads/steps/education.html",
    2: "leads/steps/interests.html",
    3: "leads/steps/location.html",
    4: "leads/steps/results.html",
    5: "leads/steps/contact.html",
}


def step_url(step: int) -> str:
    return reverse("leads:match_step", kwargs={"step": step})


@never_cache
@require_GET
def match_start(request: HttpRequest) -> HttpResponse:
    """Enter the wizard, optionally from a program page (?program=<slug>), at the first open step."""
    wizard = Wizard(request.session)
    wizard.capture_source(request, request.GET)
    slug = request.GET.get("program", "").strip()[:220]
    if slug:
        program = Program.objects.listed().filter(slug=slug).only("pk").first()
        if program is None:
            messages.info(
                request, "We couldn't find that program, but you can still find others that fit you."
            )
        else:
            wizard.set_requested_program(program.pk)
    first = wizard.first_unanswered()
    if first > 1:
        return HttpResponseRedirect(step_url(first))
    return _page(request, wizard, 1, {"form": EducationForm(initial={"education": wizard.education})})


@never_cache
@require_http_methods(["GET", "POST"])
def match_step(request: HttpRequest, step: int) -> HttpResponse:
    if step not in STEP_TEMPLATES:
        raise Http404("No such step.")
    wizard = Wizard(request.session)
    if step == 1 and request.method == "POST":
        wizard.capture_source(request, request.POST)
    if step == LAST_STEP and request.method == "POST":
        replayed = _replayed_submission(request, wizard)
        if replayed is not None:
            return replayed
    if not wizard.can_open(step):
        first = wizard.first_unanswered()
        messages.warning(request, f"Please answer this step first: {STEP_TITLES[first].lower()}.")
        return _go_to(request, wizard, first)
    if request.method == "GET":
        return _show(request, wizard, step)
    return STEP_HANDLERS[step](request, wizard)


@never_cache
@require_GET
def match_done(request: HttpRequest) -> HttpResponse:
    wizard = Wizard(request.session)
    lead_id = wizard.last_lead_id
    lead = _lead_with_requests(lead_id) if lead_id is not None and wizard.owns_lead(lead_id) else None
    if lead is None:
        messages.info(request, "There is no request to show yet. Start here to find your program.")
        return HttpResponseRedirect(reverse("leads:match"))
    return _done(request, wizard, lead)


@never_cache
@require_POST
def match_start_over(request: HttpRequest) -> HttpResponse:
    Wizard(request.session).reset()
    messages.info(request, "Your answers are cleared. Start again whenever you like.")
    return _see_other(reverse("leads:match"))


# Steps ------------------------------------------------------------------------------------------


def _show(request: HttpRequest, wizard: Wizard, step: int, *, push: bool = False) -> HttpResponse:
    """A step as the visitor left it: answers they gave are filled in."""
    if step == 1:
        return _page(
            request, wizard, 1, {"form": EducationForm(initial={"education": wizard.education})}, push=push
        )
    if step == 2:
        return _page(
            request, wizard, 2, {"form": InterestsForm(initial=_interests_initial(wizard))}, push=push
        )
    if step == 3:
        location = wizard.location or {}
        initial = {"zip_code": location.get("zip", ""), "radius": location.get("radius", DEFAULT_RADIUS)}
        return _page(request, wizard, 3, {"form": LocationForm(initial=initial)}, push=push)
    if step == 4:
        return _results(request, wizard, data=None, push=push)
    return _contact(request, wizard, data=None, push=push)


def _post_education(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    form = EducationForm(request.POST)
    if not form.is_valid():
        return _page(request, wizard, 1, {"form": form})
    wizard.set_education(form.cleaned_data["education"])
    return _go_to(request, wizard, 2)


def _post_interests(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    form = InterestsForm(request.POST)
    if not form.is_valid():
        return _page(request, wizard, 2, {"form": form})
    wizard.set_interests(**form.cleaned_data)
    return _go_to(request, wizard, 3)


def _post_location(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    form = LocationForm(request.POST)
    if not form.is_valid():
        return _page(request, wizard, 3, {"form": form})
    wizard.set_location(zip_code=form.cleaned_data["zip_code"], radius=form.cleaned_data["radius"])
    return _go_to(request, wizard, 4)


def _post_results(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    return _results(request, wizard, data=request.POST)


def _post_contact(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    return _contact(request, wizard, data=request.POST)


def _results(
    request: HttpRequest, wizard: Wizard, *, data: QueryDict | None, push: bool = False
) -> HttpResponse:
    results = match_programs(wizard.answers())
    order = [m.program.pk for m in results.matches if m.program.pk in results.pickable_ids]
    if data is not None:
        form = PicksForm(data, program_ids=order)
        if form.is_valid():
            picked = set(form.cleaned_data["programs"])
            wizard.set_picks([pk for pk in order if pk in picked])
            return _go_to(request, wizard, 5)
        checked = {int(v) for v in data.getlist("programs") if v.isdigit()}
    else:
        form = PicksForm(program_ids=order)
        checked = set(wizard.picks)
    context = {
        "form": form,
        "results": results,
        "checked": checked & set(order),
        "summary": _summary(results),
    }
    return _page(request, wizard, 4, context, push=push)


def _contact(
    request: HttpRequest, wizard: Wizard, *, data: QueryDict | None, push: bool = False
) -> HttpResponse:
    programs = _picked_programs(wizard)
    if not programs:
        messages.warning(request, "The programs you picked are no longer listed. Please pick again.")
        wizard.set_picks([])
        return _go_to(request, wizard, 4)
    text = consent.disclosure(school_names=[p.institution.name for p in programs])
    digest = consent.digest(text)
    token = wizard.token()
    context = {"programs": programs, "consent_text": text, "place": wizard.place, "gpc": _gpc(request)}
    if data is None:
        initial = {"submission_token": token, "consent_digest": digest} | _known_contact(wizard)
        form = ContactForm(initial=initial)
        return _page(request, wizard, 5, context | {"form": form}, push=push)

    form = ContactForm(data)
    if form.is_bot:
        form.add_error(
            None, 'We could not accept this form. Clear the field labelled "Leave this empty" and send again.'
        )
        return _page(request, wizard, 5, context | {"form": form}, status=400)
    if not ratelimit.allow(request, "lead"):
        form.add_error(
            None, "Too many requests have come from your network in the last hour. Please try again later."
        )
        return _page(request, wizard, 5, context | {"form": form}, status=429)
    if not form.is_valid():
        return _page(request, wizard, 5, context | {"form": form})
    if form.cleaned_data["submission_token"] != token or form.cleaned_data["consent_digest"] != digest:
        # A form from before "Start over" or from before the picks changed in another tab.
        fresh = data.copy()
        fresh.update({"submission_token": token, "consent_digest": digest})
        form = ContactForm(fresh)
        form.is_valid()
        form.add_error(
            None, "The schools you picked have changed. Read the text below again and send your request."
        )
        return _page(request, wizard, 5, context | {"form": form})

    data = form.cleaned_data
    try:
        result = lead_create(
            answers=wizard.answers(),
            contact=Contact(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                email_normalized=form.email_normalized,
                phone=data["phone"],
            ),
            program_ids=[p.pk for p in programs],
            consent=ConsentEvidence(
                text=text,
                version=consent.VERSION,
                given_at=timezone.now(),
                ip_address=ratelimit.client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                source_page=wizard.source.get("page", ""),
                utm=wizard.source.get("utm", {}),
                global_privacy_control=_gpc(request),
            ),
            submission_token=token,
        )
    except LeadError as error:
        form.add_error(None, f"{error} Nothing was stored.")
        return _page(request, wizard, 5, context | {"form": form})
    except DatabaseError as error:
        # The class name only: database messages can quote the row, and rows hold personal data.
        logger.error("Storing a lead failed with %s; nothing was stored.", type(error).__name__)
        form.add_error(
            None,
            "Sorry, we couldn't save your request just now, so nothing was stored. "
            "Your details are still filled in: please send again.",
        )
        return _page(request, wizard, 5, context | {"form": form}, status=503)
    wizard.lead_stored(result.lead.pk)
    return _finish(request, wizard)


STEP_HANDLERS = {
    1: _post_education,
    2: _post_interests,
    3: _post_location,
    4: _post_results,
    5: _post_contact,
}


# Exactly once ----------------------------------------------------------------------------------


def _replayed_submission(request: HttpRequest, wizard: Wizard) -> HttpResponse | None:
    """A contact form whose token already made a lead (double click, replay, second tab)."""
    token = request.POST.get("submission_token", "")[:64]
    if not token:
        return None
    lead_id = Lead.objects.filter(submission_token=token).values_list("pk", flat=True).first()
    if lead_id is None:
        return None
    if wizard.owns_lead(lead_id):
        wizard.lead_stored(lead_id)
        return _finish(request, wizard)
    # Not this browser's lead: say it arrived, show nothing of it.
    return _page(request, wizard, None, {"step_template": "leads/steps/already_received.html"})


def _finish(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    """The confirmation: in place with htmx, else post/redirect/get."""
    if not _partial(request):
        return _see_other(reverse("leads:match_done"))
    response = _done(request, wizard, _lead_with_requests(wizard.last_lead_id))
    push_url(response, reverse("leads:match_done"))
    return response


def _lead_with_requests(lead_id: int) -> Lead | None:
    requests = LeadRequest.objects.select_related("program__institution", "program__cip").order_by("pk")
    return Lead.objects.prefetch_related(Prefetch("requests", queryset=requests)).filter(pk=lead_id).first()


def _done(request: HttpRequest, wizard: Wizard, lead: Lead) -> HttpResponse:
    lead_requests = list(lead.requests.all())
    context = {
        "lead": lead,
        "sent": [r for r in lead_requests if r.status != LeadRequest.Status.DUPLICATE],
        "repeats": [r for r in lead_requests if r.status == LeadRequest.Status.DUPLICATE],
        "phone_display": format_phone(lead.phone),
        "step_template": "leads/steps/done.html",
    }
    return _page(request, wizard, None, context)


# Stop contact ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def stop_contact(request: HttpRequest) -> HttpResponse:
    """Withdraw consent by web form (the disclosure points here), honoured by operations."""
    if request.method == "GET":
        return render(request, "leads/stop_contact.html", {"form": StopContactForm()})
    form = StopContactForm(request.POST)
    if form.data.get("website", "").strip():
        form.add_error(None, 'We could not accept this form. Clear the field labelled "Leave this empty".')
        return render(request, "leads/stop_contact.html", {"form": form}, status=400)
    if not ratelimit.allow(request, "stop"):
        form.add_error(
            None, "Too many requests have come from your network in the last hour. Please try again later."
        )
        return render(request, "leads/stop_contact.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "leads/stop_contact.html", {"form": form})
    revocation_record(email_normalized=form.cleaned_data["email"], phone=form.cleaned_data["phone"])
    return render(request, "leads/stop_contact.html", {"done": True})


# Helpers ---------------------------------------------------------------------------------------


def _interests_initial(wizard: Wizard) -> dict:
    if wizard.interests:
        return dict(wizard.interests)
    initial: dict = {}
    if wizard.requested_program_id:
        program = Program.objects.filter(pk=wizard.requested_program_id).only("cip_id").first()
        if program is not None:
            initial["field"] = field_for_cip(program.cip_id) or ""
    return initial


def _known_contact(wizard: Wizard) -> dict[str, str]:
    """The details this browser gave in its last request, so a second request never asks again."""
    lead_id = wizard.last_lead_id
    if lead_id is None or not wizard.owns_lead(lead_id):
        return {}
    lead = Lead.objects.filter(pk=lead_id).only("first_name", "last_name", "email", "phone").first()
    if lead is None:
        return {}
    return {
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "email": lead.email,
        "phone": format_phone(lead.phone),
    }


def _picked_programs(wizard: Wizard) -> list[Program]:
    found = Program.objects.listed().select_related("institution", "cip").in_bulk(wizard.picks)
    return [found[pk] for pk in wizard.picks if pk in found]


def _summary(results: Results) -> list[str]:
    answers = results.answers
    parts = [
        EducationLevel(answers.education).label,
        FieldOfInterest(answers.field).label
        if answers.field != FieldOfInterest.ANY
        else "any of the three fields",
        DeliveryPreference(answers.delivery).label.lower(),
        MaxLength(answers.max_length).label.lower(),
    ]
    if answers.place is not None:
        parts.append(
            f"within {answers.radius_miles} miles of {answers.place.zip_code} ({answers.place.label})"
        )
    return parts


def _gpc(request: HttpRequest) -> bool:
    return request.headers.get("Sec-GPC", "").strip() == "1"


def _partial(request: HttpRequest) -> bool:
    """htmx swapping the wizard in place (a history restore needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == WIZARD_TARGET


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _go_to(request: HttpRequest, wizard: Wizard, step: int) -> HttpResponse:
    """After a POST: the next step in place (htmx) or a redirect to it (post/redirect/get)."""
    if _partial(request):
        return _show(request, wizard, step, push=True)
    return _see_other(step_url(step))


def _page(
    request: HttpRequest,
    wizard: Wizard,
    step: int | None,
    context: dict,
    *,
    status: int = 200,
    push: bool = False,
) -> HttpResponse:
    partial = _partial(request)
    context = {
        "step": step,
        "step_count": LAST_STEP,
        "step_title": STEP_TITLES.get(step, ""),
        "step_template": STEP_TEMPLATES.get(step, ""),
        "steps": [
            {"number": n, "title": t, "open": wizard.can_open(n), "url": step_url(n)}
            for n, t in STEP_TITLES.items()
        ],
        "partial": partial,
    } | context
    template = "leads/match.html#wizard" if partial else "leads/match.html"
    # htmx leaves 4xx/5xx responses unswapped, so the in-place form with its message is a 200.
    response = render(request, template, context, status=200 if partial else status)
    if push and partial and step is not None:
        push_url(response, step_url(step))
    patch_vary_headers(response, ["HX-Request"])
    return response
