"""The claim form's last steps: review and submit, the confirmation, and the owner's status page."""

from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from recalldesk.claims.form_draft import ClaimDraft
from recalldesk.claims.form_steps import (
    draft_currency,
    draft_product,
    draft_receipt_amount,
    first_incomplete_step,
    private,
    program_or_404,
    remedy_options,
    step_context,
    step_url,
)
from recalldesk.claims.forms_public import CONTACT_NAMES, PAYOUT_CHOICES, ProofForm
from recalldesk.claims.models import Claim, ClaimStatus, Country, PayoutMethod, Remedy
from recalldesk.claims.remedies import RemedyUnavailable
from recalldesk.claims.services import claim_get_by_status_token, claim_submit
from recalldesk.claims.submission import ClaimRejected, ClaimSubmission
from recalldesk.claims.views_owner import EVENT_WORDS, event_words, owner_status_extras
from recalldesk.money import Money
from recalldesk.ratelimit import ratelimit

# Which step of the form holds the answer claim_submit refused, to link the owner back to it.
FIELD_STEPS = {
    "product": "product",
    "country": "product",
    "model_number": "model",
    "serial_number": "model",
    "receipt": "proof",
    "receipt_amount": "proof",
    "photos": "proof",
    "destruction": "proof",
    "remedy": "remedy",
    **dict.fromkeys((*CONTACT_NAMES, "payout_method", "paypal_email"), "contact"),
}
SUBMITTED_KEY = "claim-submitted:{slug}"


def _submission(draft: ClaimDraft, files: dict[str, UploadedFile]) -> ClaimSubmission:
    answers = draft.answers
    remedy = answers["remedy"]
    payout_method = answers.get("payout_method") or PayoutMethod.NONE
    if remedy != Remedy.REFUND:
        payout_method = PayoutMethod.NONE
    payout_details = {}
    if payout_method == PayoutMethod.PAYPAL:
        payout_details = {"paypal_email": answers.get("paypal_email", "")}
    photos = [
        (upload_label, files[key])
        for key, upload_label in _photo_labels(draft).items()
        if key in files
    ]
    return ClaimSubmission(
        model_number=answers["model_number"],
        serial_number=answers["serial_number"],
        country=answers["country"],
        receipt_amount=draft_receipt_amount(draft),
        remedy=remedy,
        owner_name=answers["owner_name"],
        email=answers["email"],
        phone=answers.get("phone", ""),
        address_line1=answers["address_line1"],
        address_line2=answers.get("address_line2", ""),
        city=answers["city"],
        region=answers["region"],
        postal_code=answers["postal_code"],
        payout_method=payout_method,
        payout_details=payout_details,
        receipt=files.get("receipt"),
        photos=photos,
        destruction=files.get("destruction"),
    )


def _photo_labels(draft: ClaimDraft) -> dict[str, str]:
    return {
        f"photo-{index}": label
        for index, label in enumerate(draft.program.required_photos or [], start=1)
    }


def _review_rows(draft: ClaimDraft) -> dict:
    """Everything the owner entered, as the review page shows it, with the chosen amount."""
    answers = draft.answers
    product = draft_product(draft)
    try:
        options = {option["value"]: option for option in remedy_options(draft, product)}
    except RemedyUnavailable:
        options = {}
    chosen = options.get(answers.get("remedy"))
    proof_form = ProofForm(program=draft.program, stored={}, currency=draft_currency(draft))
    uploads = []
    for key in proof_form.fields:
        upload = draft.upload_get(key=key)
        if upload is not None:
            uploads.append(upload)
    payout_method = answers.get("payout_method") or PayoutMethod.NONE
    receipt_amount = draft_receipt_amount(draft)
    return {
        "product": product,
        "country_name": Country(answers["country"]).label,
        "currency": draft_currency(draft),
        "receipt_amount": receipt_amount,
        "receipt_money": Money(receipt_amount, draft_currency(draft)) if receipt_amount else None,
        "uploads": uploads,
        "chosen": chosen,
        "payout_label": dict(PAYOUT_CHOICES).get(payout_method, ""),
        "answers": answers,
    }


@ratelimit(scope="claim-submit", limit=10, window_seconds=600, methods=("POST",))
@require_http_methods(["GET", "POST"])
def claim_review(request: HttpRequest, program_slug: str) -> HttpResponse:
    """Everything entered, a change link per step, and the submit button."""
    program = program_or_404(program_slug)
    draft = ClaimDraft(session=request.session, program=program)
    if not draft.is_started and request.session.get(SUBMITTED_KEY.format(slug=program.slug)):
        # A second click on Submit, or Back after submitting: the claim is already filed.
        return redirect("claims:submitted", program.slug)
    open_step = first_incomplete_step(draft)
    if open_step is not None:
        return redirect(step_url(program, open_step))
    if draft_product(draft) is None:
        draft.mark_undone("product")
        return redirect(step_url(program, "product"))
    rows = _review_rows(draft)
    if rows["chosen"] is None:  # the amounts or terms changed: the owner chooses again
        draft.mark_undone("remedy")
        return redirect(step_url(program, "remedy"))
    errors: list[dict] = []
    status = 200
    if request.method == "POST":
        files: dict[str, UploadedFile] = {}
        try:
            for key in draft.upload_keys():
                upload = draft.upload_open(key=key)
                if upload is not None:
                    files[key] = upload
            receipt = claim_submit(
                program=program,
                submission=_submission(draft, files),
                idempotency_key=f"form:{draft.idempotency_key}",
            )
        except ClaimRejected as error:
            step = FIELD_STEPS.get(error.field or "", "")
            errors.append(
                {
                    "message": str(error),
                    "url": step_url(program, step) if step else "",
                    "step_title": step_context(draft, step)["step"]["title"] if step else "",
                }
            )
            status = 400
        else:
            draft.clear()
            request.session[SUBMITTED_KEY.format(slug=program.slug)] = {
                "number": receipt.claim.number,
                "token": receipt.status_token or "",
            }
            return redirect("claims:submitted", program.slug)
        finally:
            for upload in files.values():
                upload.close()
    context = step_context(draft, "review")
    context.update(rows)
    context["submit_errors"] = errors
    return private(render(request, "claims/public/review.html", context, status=status))


def claim_submitted(request: HttpRequest, program_slug: str) -> HttpResponse:
    """The claim number, the status page's address, what happens next, and how to dispose."""
    program = program_or_404(program_slug)
    submitted = request.session.get(SUBMITTED_KEY.format(slug=program.slug))
    if not submitted:
        return redirect("claims:start", program.slug)
    claim = claim_get_by_status_token(token=submitted["token"]) if submitted["token"] else None
    status_url = (
        request.build_absolute_uri(reverse("claims:status", args=[submitted["token"]]))
        if submitted["token"]
        else ""
    )
    context = {
        "program": program,
        "recall": program.recall,
        "number": submitted["number"],
        "claim": claim,
        "amount": _claim_amount(claim) if claim else None,
        "status_url": status_url,
    }
    return private(render(request, "claims/public/submitted.html", context))


def _claim_amount(claim: Claim) -> Money | None:
    if claim.remedy in {Remedy.REFUND, Remedy.STORE_CREDIT}:
        return Money(Decimal(claim.amount), claim.currency)
    return None


NEXT_STEPS = {
    ClaimStatus.SUBMITTED: "A reviewer at {firm} checks your claim and its proof. We e-mail you "
    "when it is approved, or if we need more information.",
    ClaimStatus.NEEDS_INFO: "The reviewer needs more information: the e-mail we sent you says "
    "what to send.",
    ClaimStatus.IN_REVIEW: "A reviewer at {firm} is looking at your claim now. We e-mail you "
    "when it is decided.",
    ClaimStatus.APPROVED: "Your claim is approved. {payout}",
    ClaimStatus.REJECTED: "Your claim was not approved. The reason is below and in the e-mail "
    "we sent you; reply to it if you think this is a mistake.",
    ClaimStatus.PAID: "Your refund was paid. Nothing more to do.",
    ClaimStatus.CREDITED: "Your store credit was issued: the code is in the e-mail we sent you.",
    ClaimStatus.WITHDRAWN: "This claim was withdrawn. Nothing more will happen with it.",
}
PAYOUTS = {
    Remedy.REFUND: "Your refund is paid in the next payment batch.",
    Remedy.STORE_CREDIT: "We e-mail you the store credit code shortly.",
    Remedy.REPLACEMENT: "Your replacement is shipped to the address you gave.",
    Remedy.REPAIR: "We e-mail you how to send the product for repair.",
}
# Notes an owner is meant to read; other notes are the reviewers' own.
OWNER_NOTES = {ClaimStatus.REJECTED, ClaimStatus.NEEDS_INFO}


@require_http_methods(["GET"])
def claim_status(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's private status page, behind the unguessable token of their e-mail."""
    claim = claim_get_by_status_token(token=token[:200])
    if claim is None:
        raise Http404("No claim has this status link. Check the link in your e-mail.")
    program = claim.program
    amount = _claim_amount(claim)
    events = [
        {
            "label": ClaimStatus(event.to_status).label,
            "words": event_words(event=event, amount=amount),
            "at": event.at,
            "note": event.note if event.to_status in OWNER_NOTES else "",
        }
        for event in claim.events.order_by("at", "id")
    ]
    if not events:
        events = [
            {
                "label": ClaimStatus.SUBMITTED.label,
                "words": EVENT_WORDS[ClaimStatus.SUBMITTED],
                "at": claim.submitted_at,
                "note": "",
            }
        ]
    next_step = NEXT_STEPS[ClaimStatus(claim.status)].format(
        firm=program.firm_account.name, payout=PAYOUTS.get(Remedy(claim.remedy), "")
    )
    context = {
        "claim": claim,
        "program": program,
        "recall": program.recall,
        "product": claim.product,
        "status_label": ClaimStatus(claim.status).label,
        "events": events,
        "amount": amount,
        "next_step": next_step,
        **owner_status_extras(claim=claim, token=token),
    }
    response = private(render(request, "claims/public/status.html", context))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
