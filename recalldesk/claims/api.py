"""The claims API: file a claim (multipart, idempotent), read a program's terms, check a product.

POST /api/claims takes the claim's fields and files as multipart/form-data: receipt,
photo_1 .. photo_10 (with photo_N_label), destruction. Send an Idempotency-Key header (e.g. a
UUID) so a retried request returns the first claim (200) instead of filing a second one (201).

CSRF: these endpoints read no cookie and no session, so a cross-site request has no one's
credentials to ride on, and django-ninja checks CSRF only for cookie authentication. They are
meant for programs (a retailer's or a call centre's systems); the web form is a Django view
protected by Django's CSRF middleware. Each endpoint is rate limited per client.
"""

from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Form, Query, Router, Status

from recalldesk.claims.eligibility import ELIGIBLE, eligibility_check
from recalldesk.claims.models import Claim, Program
from recalldesk.claims.program_cache import program_for_claims
from recalldesk.claims.remedies import RemedyUnavailable, remedy_amounts
from recalldesk.claims.schemas import (
    AmountsOut,
    ClaimErrorOut,
    ClaimIn,
    ClaimOut,
    EligibilityOut,
    EligibilityQuery,
    ProductOut,
    ProgramOut,
)
from recalldesk.claims.selectors import program_get_public
from recalldesk.claims.services import claim_submit
from recalldesk.claims.submission import (
    MAX_PHOTOS,
    ClaimRejected,
    IdempotencyKeyReused,
    ProgramUnavailable,
    amount_check,
    amount_parse,
    submission_from_data,
)
from recalldesk.claims.submission_checks import countries_served, program_check_open
from recalldesk.ratelimit import ratelimit_enforce
from recalldesk.registry.schemas import ErrorOut

router = Router(tags=["claims"])

SUBMIT_LIMIT = (20, 600)  # claims per client per 10 minutes: a household files a few
TERMS_LIMIT = (120, 60)
# The form checks as the owner types, a request per pause in typing.
ELIGIBILITY_LIMIT = (120, 60)

_FILES = {
    "receipt": "A photo or PDF of the receipt.",
    **{f"photo_{n}": f"Photo {n} of the product." for n in range(1, MAX_PHOTOS + 1)},
    "destruction": "Proof of destruction, when the program asks for it.",
}
_MULTIPART_FILES = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        **ClaimIn.model_json_schema()["properties"],
                        **{
                            name: {"type": "string", "format": "binary", "description": text}
                            for name, text in _FILES.items()
                        },
                    },
                }
            }
        }
    },
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "minLength": 16, "maxLength": 255},
            "description": "A key of your choice (e.g. a UUID): a retry returns the first claim.",
        }
    ],
}


def _program_or_none(slug: str) -> Program | None:
    return program_get_public(slug=(slug or "").strip()[:80])


def _program_to_claim(slug: str) -> Program | None:
    """The open program a claim is filed under, with what claim_submit reads.

    As this process keeps it in memory, unchecked: claim_submit checks the program's
    terms_version when it writes the claim (one statement on PostgreSQL), so the busiest
    endpoint reads neither the program nor its products and prices. A program that looks
    closed or unknown from memory is read again before saying so.
    """
    for verified in (False, True):
        program = program_for_claims(slug=slug.strip()[:80], verified=verified)
        if program is None:
            continue
        try:
            program_check_open(program=program)
        except ClaimRejected:
            continue
        return program
    return None


def _not_found(slug: str) -> Status:
    detail = f"No open claim program is named {slug[:80]!r}."
    return Status(404, {"detail": detail, "field": "program"})


def _claim_out(claim: Claim, token: str | None) -> dict:
    status_url = settings.SITE_URL + reverse("claims:status", args=[token]) if token else None
    return {
        "number": claim.number,
        "status": claim.status,
        "status_url": status_url,
        "amount": claim.amount,
        "currency": claim.currency,
        "remedy": claim.remedy,
    }


@router.post(
    "",
    response={
        200: ClaimOut,
        201: ClaimOut,
        400: ClaimErrorOut,
        404: ClaimErrorOut,
        409: ClaimErrorOut,
        429: ErrorOut,
    },
    summary="File a claim",
    openapi_extra=_MULTIPART_FILES,
)
def claim_create(request: HttpRequest, response: HttpResponse, data: Form[ClaimIn]):
    """File a claim under an open program: 201 with the claim, 200 for a retried request.

    400 says what to change, with the field at fault; 404 for an unknown or closed program;
    409 when the Idempotency-Key came before with other content.
    """
    ratelimit_enforce(
        request, scope="claims-api-submit", limit=SUBMIT_LIMIT[0], window_seconds=SUBMIT_LIMIT[1]
    )
    response["Cache-Control"] = "no-store"
    if not data.program.strip():
        detail = "Name the program in the field program, e.g. belkin-26-090."
        return Status(400, {"detail": detail, "field": "program"})
    program = _program_to_claim(data.program)
    if program is None:
        return _not_found(data.program)
    key = request.headers.get("Idempotency-Key")
    try:
        submission = submission_from_data(data=data.model_dump(), files=request.FILES)
        receipt = claim_submit(program=program, submission=submission, idempotency_key=key)
    except ProgramUnavailable:
        return _not_found(data.program)
    except IdempotencyKeyReused as error:
        return Status(409, {"detail": error.message, "field": error.field})
    except ClaimRejected as error:
        return Status(400, {"detail": error.message, "field": error.field})
    return Status(201 if receipt.created else 200, _claim_out(receipt.claim, receipt.status_token))


@router.get(
    "/programs/{slug}",
    response={200: ProgramOut, 404: ClaimErrorOut, 429: ErrorOut},
    summary="A program's terms",
)
def program_terms(request: HttpRequest, slug: str):
    """What an open program covers, the proof it needs, what it pays and in which currency."""
    ratelimit_enforce(
        request, scope="claims-api-terms", limit=TERMS_LIMIT[0], window_seconds=TERMS_LIMIT[1]
    )
    program = _program_or_none(slug)
    if program is None:
        return _not_found(slug)
    return Status(200, ProgramOut.of(program))


def _amounts(program: Program, product, country: str, receipt_amount: str) -> AmountsOut | None:
    currency = (program.currencies or {}).get(country.strip().upper())
    if currency is None:
        raise ClaimRejected(
            f"This program serves {' or '.join(countries_served(program)) or 'no country'}.",
            field="country",
        )
    amount: Decimal | None = amount_check(amount_parse(receipt_amount))
    try:
        amounts = remedy_amounts(
            program=program, product=product, currency=currency, receipt_amount=amount
        )
    except RemedyUnavailable as error:
        raise ClaimRejected(" ".join(error.messages), field="receipt_amount") from None
    return AmountsOut(
        currency=currency,
        refund=amounts.refund.amount if amounts.refund else None,
        store_credit=amounts.store_credit.amount if amounts.store_credit else None,
    )


@router.get(
    "/eligibility",
    response={200: EligibilityOut, 400: ClaimErrorOut, 404: ClaimErrorOut, 429: ErrorOut},
    summary="Is this product covered?",
)
def eligibility(request: HttpRequest, params: Query[EligibilityQuery]):
    """The claim form's check as the owner types: is this model and serial in the program?

    With country (and receipt_amount), an eligible product also gets the amounts: the refund
    and the store credit.
    """
    ratelimit_enforce(
        request,
        scope="claims-api-eligibility",
        limit=ELIGIBILITY_LIMIT[0],
        window_seconds=ELIGIBILITY_LIMIT[1],
    )
    program = _program_or_none(params.program)
    if program is None:
        return _not_found(params.program)
    answer = eligibility_check(
        program=program, model_number=params.model, serial_number=params.serial or None
    )
    amounts = None
    if answer.status == ELIGIBLE and answer.product is not None and params.country:
        try:
            amounts = _amounts(program, answer.product, params.country, params.receipt_amount)
        except ClaimRejected as error:
            return Status(400, {"detail": error.message, "field": error.field})
    return Status(
        200,
        {
            "status": answer.status,
            "message": answer.message,
            "suggestion": answer.suggestion,
            "product": ProductOut.of(answer.product) if answer.product is not None else None,
            "amounts": amounts,
        },
    )
