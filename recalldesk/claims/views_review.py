"""The firm's review back office: the queue of a program's claims, a claim's review page with
its decisions, bulk approval of clean claims, and the queue as CSV. Views parse and call R1's
review services; they never move a claim themselves.

Programs and claims are found through the scoped selectors (another firm's staff: 404); every
POST first checks the role may review (a viewer or a regulator: 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from recalldesk.accounts.permissions import role_can
from recalldesk.accounts.selectors import role_for
from recalldesk.accounts.services import require_role
from recalldesk.claims import exports, review, selectors, views_staff
from recalldesk.claims.forms_review import QueueFilterForm, RejectForm, RequestInfoForm
from recalldesk.claims.models import Claim, ClaimStatus, FraudSignal, Program
from recalldesk.claims.states import ClaimStateError, move_allowed
from recalldesk.ledger.errors import LedgerError
from recalldesk.money import Money

QUEUE_PAGE_SIZE = 50
# The states bulk approval takes claims from, as claims_bulk_approve does.
BULK_FROM = (ClaimStatus.SUBMITTED, ClaimStatus.IN_REVIEW)
# Each decision on the claim page and the status it moves the claim to.
DECISIONS = {
    "start": ClaimStatus.IN_REVIEW,
    "approve": ClaimStatus.APPROVED,
    "reject": ClaimStatus.REJECTED,
    "request_info": ClaimStatus.NEEDS_INFO,
}


def _can_review(request: HttpRequest, program: Program) -> bool:
    return role_can(role_for(user=request.user, firm_account=program.firm_account), "claim.review")


def _clean_claims(program: Program):
    signals = Exists(FraudSignal.objects.filter(claim=OuterRef("pk")))
    return Claim.objects.filter(program=program, status__in=BULK_FROM).filter(~signals)


@login_required
@require_GET
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    """A program's claims to review, with filters and the count of claims in each status."""
    program = selectors.program_get_for_user(user=request.user, slug=slug)
    form = QueueFilterForm(request.GET, program=program)
    filters = form.filters()
    claims = selectors.claims_for_user(user=request.user, program=program)
    counted = exports.claims_filter_except_status(
        claims=Claim.objects.filter(program=program).order_by(), filters=filters
    )
    counts = dict(counted.values("status").annotate(n=Count("id")).values_list("status", "n"))
    page = Paginator(exports.claims_filter(claims=claims, filters=filters), QUEUE_PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    # Links keep every filter but the one they change.
    others = request.GET.copy()
    others.pop("page", None)
    others.pop("status", None)
    can_review = _can_review(request, program)
    context = {
        **views_staff._program_context(request, program),
        "form": form,
        "page": page,
        "rows": [(claim, Money(claim.amount, claim.currency)) for claim in page],
        "status_counts": [
            (value, label, counts.get(value, 0)) for value, label in ClaimStatus.choices
        ],
        "filtered_total": sum(counts.values()),
        "chosen_status": filters.status or "",
        "others_query": others.urlencode(),
        "query": _without_page(request),
        "can_review": can_review,
        "clean_count": _clean_claims(program).count() if can_review else 0,
        "bulk_from": [status.value for status in BULK_FROM],
    }
    return render(request, "claims/review/queue.html", context)


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def export(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The program's claims with the queue's filters, as CSV streamed row by row."""
    program = selectors.program_get_for_user(user=request.user, slug=slug)
    filters = QueueFilterForm(request.GET, program=program).filters()
    rows = exports.claims_export_rows(program=program, filters=filters)
    response = StreamingHttpResponse(
        exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{program.slug}-claims-{day}.csv"'
    # Owners' names and addresses: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def bulk_approve(request: HttpRequest, slug: str) -> HttpResponse:
    """Approve the chosen claims, or every clean claim, skipping any with fraud signals."""
    program = selectors.program_get_for_user(user=request.user, slug=slug)
    require_role(user=request.user, firm_account=program.firm_account, action="claim.review")
    claim_ids = None
    if request.POST.get("scope") != "all":
        claim_ids = [int(value) for value in request.POST.getlist("claim_ids") if value.isdigit()]
        if not claim_ids:
            messages.error(request, "Choose the claims to approve, or approve every clean claim.")
            return redirect(_queue_url(request, program))
    done = review.claims_bulk_approve(program=program, actor=request.user, claim_ids=claim_ids)
    messages.success(request, done.message)
    return redirect(_queue_url(request, program))


def _queue_url(request: HttpRequest, program: Program) -> str:
    back = request.POST.get("query", "")
    return reverse("claims_review:queue", args=[program.slug]) + (f"?{back}" if back else "")


def _evidence_items(claim: Claim) -> list[dict]:
    return [
        {
            "evidence": evidence,
            "is_image": evidence.content_type.startswith("image/"),
            "is_pdf": evidence.content_type == "application/pdf",
        }
        for evidence in claim.evidence.all()
    ]


def _claim_page(request, claim, *, reject_form=None, info_form=None, status=200):
    program = claim.program
    can_review = _can_review(request, program)
    context = {
        **views_staff.claim_context(request, claim),
        "evidence_items": _evidence_items(claim),
        "can_review": can_review,
        "can_decide": {
            decision: can_review and move_allowed(claim.status, to)
            for decision, to in DECISIONS.items()
        },
        "reject_form": reject_form or RejectForm(),
        "info_form": info_form or RequestInfoForm(),
    }
    return render(request, "claims/review/claim.html", context, status=status)


@login_required
@require_GET
def claim_page(request: HttpRequest, number: str) -> HttpResponse:
    """A claim under review: evidence viewer, eligibility, fraud signals, history, decisions."""
    claim = selectors.claim_get_for_user(user=request.user, number=number)
    return _claim_page(request, claim)


def _claim_to_decide(request: HttpRequest, number: str) -> Claim:
    claim = selectors.claim_get_for_user(user=request.user, number=number)
    require_role(user=request.user, firm_account=claim.program.firm_account, action="claim.review")
    return claim


def _decided(request: HttpRequest, claim: Claim, call, done: str) -> HttpResponse:
    try:
        call()
    except (ClaimStateError, LedgerError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("claims_review:claim", claim.number)


@login_required
@require_POST
def start(request: HttpRequest, number: str) -> HttpResponse:
    """Mark the claim as being reviewed, so colleagues see someone has it."""
    claim = _claim_to_decide(request, number)
    return _decided(
        request,
        claim,
        lambda: review.claim_start_review(claim=claim, actor=request.user),
        f"Claim {claim.number} is in review.",
    )


@login_required
@require_POST
def approve(request: HttpRequest, number: str) -> HttpResponse:
    """Approve the claim: the ledger posts its amount and store credit is issued."""
    claim = _claim_to_decide(request, number)
    return _decided(
        request,
        claim,
        lambda: review.claim_approve(claim=claim, actor=request.user),
        f"Claim {claim.number} was approved.",
    )


@login_required
@require_POST
def reject(request: HttpRequest, number: str) -> HttpResponse:
    """Reject the claim with a reason the owner reads."""
    claim = _claim_to_decide(request, number)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, reject_form=form, status=400)
    return _decided(
        request,
        claim,
        lambda: review.claim_reject(
            claim=claim, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        f"Claim {claim.number} was rejected; the owner was e-mailed the reason.",
    )


@login_required
@require_POST
def request_info(request: HttpRequest, number: str) -> HttpResponse:
    """Ask the owner for more information; the claim returns to the queue when they add it."""
    claim = _claim_to_decide(request, number)
    form = RequestInfoForm(request.POST)
    if not form.is_valid():
        return _claim_page(request, claim, info_form=form, status=400)
    return _decided(
        request,
        claim,
        lambda: review.claim_request_info(
            claim=claim, actor=request.user, message=form.cleaned_data["message"]
        ),
        f"The owner of claim {claim.number} was asked for more information.",
    )
