"""The firm's payout pages: list and make batches, download a batch's CSV, confirm it paid.

Every page finds its program or batch through selectors that answer "not found" to another
firm's staff; a member whose role does not allow paying claims ("claim.pay") gets 403.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from recalldesk.accounts.services import require_role
from recalldesk.claims import selectors as claims_selectors
from recalldesk.claims.states import ClaimStateError
from recalldesk.ledger import selectors
from recalldesk.ledger.codes import store_credit_code_format
from recalldesk.ledger.errors import LedgerError
from recalldesk.ledger.models import PayoutBatch
from recalldesk.ledger.payouts import (
    payout_batch_confirm,
    payout_batch_create,
    payout_batch_csv,
)
from recalldesk.money import Money


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _payer_program(request: HttpRequest, slug: str):
    program = claims_selectors.program_get_for_user(user=request.user, slug=slug)
    role = require_role(user=request.user, firm_account=program.firm_account, action="claim.pay")
    return program, role


def _payer_batch(request: HttpRequest, batch_id: int) -> PayoutBatch:
    batch = selectors.payout_batch_get_for_user(user=request.user, batch_id=batch_id)
    require_role(user=request.user, firm_account=batch.program.firm_account, action="claim.pay")
    return batch


@login_required
def payout_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A program's payout batches, the refunds waiting for one, and the store credit issued."""
    program, role = _payer_program(request, slug)
    status = 200
    if request.method == "POST":
        try:
            batches = payout_batch_create(program=program, actor=request.user)
        except LedgerError as error:
            messages.error(request, str(error))
            status = 400
        else:
            made = ", ".join(
                f"batch {batch.pk} ({Money(batch.total, batch.currency)})" for batch in batches
            )
            messages.success(request, f"Made {made}: download the CSV for your payment provider.")
            return redirect("ledger:payout_list", program.slug)
    batches = selectors.payout_batches_for_program(program=program)
    credits = selectors.store_credits_for_program(program=program)[:200]
    context = {
        "program": program,
        "role": role,
        "current": "payouts",
        "waiting": selectors.refunds_waiting(program=program),
        "batches": [(batch, Money(batch.total, batch.currency)) for batch in batches],
        "credits": [
            (credit, store_credit_code_format(credit.code), Money(credit.value, credit.currency))
            for credit in credits
        ],
    }
    return render(request, "ledger/payouts/payout_list.html", context, status=status)


@login_required
def payout_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A batch's claims and amounts, with its CSV and the confirmation."""
    batch = _payer_batch(request, batch_id)
    rows = list(payout_batch_csv(batch=batch))
    context = {
        "batch": batch,
        "program": batch.program,
        "total": Money(batch.total, batch.currency),
        "header": rows[0],
        "rows": rows[1:],
    }
    return render(request, "ledger/payouts/payout_detail.html", context)


@login_required
def payout_csv(request: HttpRequest, batch_id: int) -> StreamingHttpResponse:
    """The batch as CSV for the payment provider."""
    batch = _payer_batch(request, batch_id)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in payout_batch_csv(batch=batch)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"payout-{batch.program.slug}-{batch.pk}-{batch.currency}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Owners' payout details: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def payout_confirm(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Record that the provider paid the batch: its claims become paid."""
    batch = _payer_batch(request, batch_id)
    try:
        payout_batch_confirm(batch=batch, actor=request.user)
    except (LedgerError, ClaimStateError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Batch {batch.pk} is confirmed: its claims are paid.")
    return redirect("ledger:payout_detail", batch.pk)
