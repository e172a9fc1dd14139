"""The owner's pages after filing: add information when asked, and confirm disposal.

Both are reached by an unguessable link (the e-mailed "add information" token, the status
page's token); only hashes of those tokens are stored. The status page itself lives in
views_public_submit.py and takes its disposal form and plain-words history from here.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from recalldesk.claims.disposal import (
    DisposalRejected,
    claim_disposal_confirm,
    disposal_can_confirm,
    disposal_photo_required,
)
from recalldesk.claims.evidence import EvidenceRejected
from recalldesk.claims.form_steps import private
from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus
from recalldesk.claims.review import (
    MAX_ADDED_FILES,
    NOTE_MAX_LENGTH,
    claim_add_information,
    claim_for_information_token,
)
from recalldesk.claims.services import claim_get_by_status_token
from recalldesk.claims.states import ClaimStateError
from recalldesk.money import Money
from recalldesk.ratelimit import ratelimit

# What each move means to the owner, in their words; {amount} is the claim's amount.
EVENT_WORDS = {
    ClaimStatus.SUBMITTED: "We received your claim.",
    ClaimStatus.NEEDS_INFO: "A reviewer asked you for more information.",
    ClaimStatus.IN_REVIEW: "A reviewer started looking at your claim.",
    ClaimStatus.APPROVED: "Your claim was approved{for_amount}.",
    ClaimStatus.REJECTED: "Your claim was not approved.",
    ClaimStatus.PAID: "Your refund{of_amount} was paid.",
    ClaimStatus.CREDITED: "Your store credit{of_amount} was issued: the code is in your e-mail.",
    ClaimStatus.WITHDRAWN: "The claim was withdrawn.",
}
# The number of the claim just answered, for the thank-you page after the redirect.
RECEIVED_KEY = "claim-information-received"
RESUBMITTED_WORDS = "You sent the information asked for; your claim is back in the queue."


def event_words(*, event: ClaimEvent, amount: Money | None) -> str:
    """One line of the owner's history in plain words, e.g. "Your claim was approved for $71.99"."""
    if event.to_status == ClaimStatus.SUBMITTED and event.from_status == ClaimStatus.NEEDS_INFO:
        return RESUBMITTED_WORDS
    words = EVENT_WORDS.get(event.to_status, ClaimStatus(event.to_status).label)
    return words.format(
        for_amount=f" for {amount}" if amount else "", of_amount=f" of {amount}" if amount else ""
    )


def owner_status_extras(*, claim: Claim, token: str) -> dict:
    """What the status page adds for the owner: the disposal form and the information asked for."""
    return {
        "disposal_url": reverse("claims_owner:disposal", args=[token]),
        "disposal_can_confirm": disposal_can_confirm(claim=claim),
        "disposal_photo_required": disposal_photo_required(claim=claim),
        "information_asked": claim.owner_note if claim.status == ClaimStatus.NEEDS_INFO else "",
    }


def _claim_by_status_token(token: str) -> Claim:
    claim = claim_get_by_status_token(token=token[:200])
    if claim is None:
        raise Http404("No claim has this status link. Check the link in your e-mail.")
    return claim


@ratelimit(scope="claim-disposal", limit=10, window_seconds=600, methods=("POST",))
@require_http_methods(["GET", "POST"])
def disposal_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """How to dispose of the product, and "I have disposed of it" with a photo if asked."""
    claim = _claim_by_status_token(token)
    error = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("disposed") != "yes":
            error = "Tick the box to confirm you have disposed of the product."
        else:
            try:
                claim_disposal_confirm(claim=claim, photo=request.FILES.get("photo"))
            except DisposalRejected as rejected:
                error = rejected.message
            else:
                return redirect(reverse("claims:status", args=[token]) + "#disposal-title")
        status = 400
    context = {
        "claim": claim,
        "program": claim.program,
        "recall": claim.program.recall,
        "status_url": reverse("claims:status", args=[token]),
        "error": error,
        **owner_status_extras(claim=claim, token=token),
    }
    response = private(render(request, "claims/owner/disposal.html", context, status=status))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _information_claim(token: str) -> Claim:
    claim = claim_for_information_token(token=token)
    if claim is None:
        raise Http404(
            "This link was already used, or your claim was decided since. "
            "Open your claim's status page to see where it is."
        )
    return claim


@ratelimit(scope="claim-add-information", limit=10, window_seconds=600, methods=("POST",))
@require_http_methods(["GET", "POST"])
def add_information(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the e-mailed link: what the reviewer asked for, files and a note to send."""
    claim = _information_claim(token)
    error = ""
    status = 200
    note = ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        files = [upload for upload in request.FILES.getlist("files") if upload.size]
        try:
            claim_add_information(token=token, files=files, note=note)
        except EvidenceRejected as rejected:
            error = rejected.message
        except ClaimStateError as rejected:
            error = rejected.message
        else:
            request.session[RECEIVED_KEY] = claim.number
            return redirect("claims_owner:information_received")
        status = 400
    context = {
        "claim": claim,
        "program": claim.program,
        "recall": claim.program.recall,
        "asked": claim.owner_note,
        "note": note,
        "error": error,
        "max_files": MAX_ADDED_FILES,
        "note_max_length": NOTE_MAX_LENGTH,
    }
    response = private(render(request, "claims/owner/add_information.html", context, status=status))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET"])
def information_received(request: HttpRequest) -> HttpResponse:
    """Thanks: the claim is back in the reviewers' queue."""
    number = request.session.get(RECEIVED_KEY, "")
    return private(render(request, "claims/owner/information_received.html", {"number": number}))
