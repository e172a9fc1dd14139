"""The firm API: a firm's own systems read its claims, decide them and read payout batches.

Authentication is a bearer token made by the firm's admin (accounts/tokens.py); the token
decides the firm, and every query here starts from that firm, so another firm's claim answers
404 exactly like a claim that does not exist. No cookie is read, so CSRF does not apply.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from recalldesk.accounts.models import ApiToken
from recalldesk.accounts.tokens import api_token_authenticate
from recalldesk.claims.models import Claim, ClaimStatus
from recalldesk.claims.review import (
    ReviewInputInvalid,
    claim_approve,
    claim_reject,
    claim_request_info,
)
from recalldesk.claims.states import ClaimStateError
from recalldesk.ledger.models import PayoutBatch
from recalldesk.ratelimit import ratelimit_enforce, ratelimit_hit
from recalldesk.registry.schemas import ErrorOut

MAX_PAGE_SIZE = 200


class FirmTokenAuth(HttpBearer):
    """Authorization: Bearer <token>; the request then carries the token as request.auth."""

    openapi_description = "A firm API token, created by the firm's admin on its API tokens page."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_token_authenticate(plain=token)
        if not settings.RATELIMIT_ENABLED:
            return found
        if found is None:
            # Tokens cannot be guessed, but a client sending wrong ones over and over is broken
            # or probing; it is slowed down by its address, as the public forms are.
            ratelimit_enforce(
                request,
                scope="firm-api-wrong-token",
                limit=settings.FIRM_API_WRONG_TOKENS_PER_10_MINUTES,
                window_seconds=600,
            )
            return None
        # Per token, not per address: a firm's system often sits behind one address.
        ratelimit_hit(
            scope="firm-api",
            key=str(found.pk),
            limit=settings.FIRM_API_REQUESTS_PER_MINUTE,
            window_seconds=60,
        )
        return found


router = Router(tags=["firm"], auth=FirmTokenAuth())


class ClaimsQuery(Schema):
    status: ClaimStatus | None = Field(None, description="Only claims in this state.")
    program: str | None = Field(None, description="Only claims of this program (its slug).")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class ClaimSummaryOut(Schema):
    number: str
    program: str = Field(description="The program's slug.")
    status: str
    status_label: str
    model_number: str
    serial_number: str
    country: str
    remedy: str
    amount: Decimal
    currency: str
    fraud_signal_count: int
    disposal_confirmed_at: datetime | None
    submitted_at: datetime
    updated_at: datetime


class ClaimPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[ClaimSummaryOut]


class EvidenceOut(Schema):
    id: int
    kind: str
    label: str
    content_type: str
    size: int
    uploaded_at: datetime


class FraudSignalOut(Schema):
    code: str
    reason: str


class EventOut(Schema):
    at: datetime
    actor: str
    from_status: str
    to_status: str
    note: str


class ClaimDetailOut(ClaimSummaryOut):
    receipt_amount: Decimal | None
    owner_name: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    payout_method: str
    owner_note: str
    evidence: list[EvidenceOut]
    fraud_signals: list[FraudSignalOut]
    history: list[EventOut]


class DecisionIn(Schema):
    action: Literal["approve", "reject", "request_info"]
    reason: str = Field("", description="Why the claim is rejected; the owner reads it.")
    message: str = Field("", description="What information the owner must add.")


class PayoutBatchOut(Schema):
    id: int
    program: str
    status: str
    currency: str
    total: Decimal
    claim_count: int
    created_at: datetime
    confirmed_at: datetime | None


def _firm_claims(request: HttpRequest) -> QuerySet[Claim]:
    return Claim.objects.filter(program__firm_account=request.auth.firm_account)


def _summary(claim: Claim) -> dict:
    return {
        "number": claim.number,
        "program": claim.program.slug,
        "status": claim.status,
        "status_label": ClaimStatus(claim.status).label,
        "model_number": claim.product.model_number,
        "serial_number": claim.serial_number,
        "country": claim.country,
        "remedy": claim.remedy,
        "amount": claim.amount,
        "currency": claim.currency,
        "fraud_signal_count": _fraud_signal_count(claim),
        "disposal_confirmed_at": claim.disposal_confirmed_at,
        "submitted_at": claim.submitted_at,
        "updated_at": claim.updated_at,
    }


def _fraud_signal_count(claim: Claim) -> int:
    # The list annotates the count in one query; a single claim counts its own.
    count = getattr(claim, "fraud_signal_count", None)
    return claim.fraud_signals.count() if count is None else count


def _claim_or_404(request: HttpRequest, number: str) -> Claim:
    claim = (
        _firm_claims(request)
        .select_related("program", "product")
        .filter(number__iexact=number.strip())
        .first()
    )
    if claim is None:
        raise Http404(f"Your firm has no claim {number}.")
    return claim


def _detail(claim: Claim) -> dict:
    return {
        **_summary(claim),
        **{
            name: getattr(claim, name)
            for name in (
                "receipt_amount",
                "owner_name",
                "email",
                "phone",
                "address_line1",
                "address_line2",
                "city",
                "region",
                "postal_code",
                "payout_method",
                "owner_note",
            )
        },
        "evidence": list(claim.evidence.order_by("id")),
        "fraud_signals": list(claim.fraud_signals.order_by("id")),
        "history": [
            {
                "at": event.at,
                "actor": event.actor_label,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
            }
            for event in claim.events.order_by("at", "id")
        ],
    }


@router.get("/claims", response=ClaimPageOut, summary="List your firm's claims")
def claims_list(request: HttpRequest, filters: Query[ClaimsQuery]):
    """Your firm's claims, newest first, a page at a time; filter by state and program."""
    claims = (
        _firm_claims(request)
        .select_related("program", "product")
        .annotate(fraud_signal_count=Count("fraud_signals"))
        .order_by("-submitted_at", "-id")
    )
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.program:
        claims = claims.filter(program__slug=filters.program)
    start = (filters.page - 1) * filters.page_size
    page = claims[start : start + filters.page_size]
    return {
        "count": claims.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [_summary(claim) for claim in page],
    }


@router.get(
    "/claims/{number}",
    response={200: ClaimDetailOut, 404: ErrorOut},
    summary="Read one claim",
)
def claim_read(request: HttpRequest, number: str):
    """A claim with the owner's details, its evidence, fraud signals and history."""
    return _detail(_claim_or_404(request, number))


@router.post(
    "/claims/{number}/decision",
    response={200: ClaimDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Approve, reject or ask for information",
)
def claim_decide(request: HttpRequest, number: str, decision: DecisionIn):
    """Decide a claim as the token's service user ("API token <name>" in the history)."""
    claim = _claim_or_404(request, number)
    actor = request.auth.service_user
    try:
        if decision.action == "approve":
            claim_approve(claim=claim, actor=actor)
        elif decision.action == "reject":
            claim_reject(claim=claim, actor=actor, reason=decision.reason)
        else:
            claim_request_info(claim=claim, actor=actor, message=decision.message)
    except ReviewInputInvalid as error:
        return Status(400, {"detail": error.message})
    except ClaimStateError as error:
        return Status(409, {"detail": error.message})
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or "This token may not decide claims."})
    claim.refresh_from_db()
    return _detail(claim)


@router.get("/payout-batches", response=list[PayoutBatchOut], summary="List payout batches")
def payout_batches_list(request: HttpRequest, program: str | None = None):
    """Your firm's payout batches, newest first, with their totals."""
    batches = PayoutBatch.objects.filter(program__firm_account=request.auth.firm_account)
    if program:
        batches = batches.filter(program__slug=program)
    batches = batches.select_related("program").annotate(claim_count=Count("items"))
    return [_batch(batch) for batch in batches.order_by("-created_at", "-id")]


def _batch(batch: PayoutBatch) -> dict:
    return {
        "id": batch.pk,
        "program": batch.program.slug,
        "status": batch.status,
        "currency": batch.currency,
        "total": batch.total,
        "claim_count": batch.claim_count,
        "created_at": batch.created_at,
        "confirmed_at": batch.confirmed_at,
    }
