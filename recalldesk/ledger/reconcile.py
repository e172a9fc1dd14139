"""Does the ledger add up? Per program and currency, what approvals owe must be paid, credited
or still outstanding, and what the ledger says was paid must match the confirmed batches.

    approved  = refund_due + store_credit_due entries
    approved == refund_paid + store_credit_issued + outstanding (approved claims' entries)
    refund_paid == items of confirmed payout batches
    store_credit_issued == store credit codes issued

Each line lists the three differences; all zero means the books balance to the cent.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from recalldesk.claims.models import ClaimStatus, Program
from recalldesk.ledger.models import (
    APPROVAL_KINDS,
    BatchStatus,
    EntryKind,
    LedgerEntry,
    PayoutBatchItem,
    StoreCredit,
)

ZERO = Decimal("0.00")


@dataclass
class ReconcileLine:
    """One program in one currency: the sums and their differences."""

    program_slug: str
    currency: str
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    credited: Decimal = ZERO
    outstanding: Decimal = ZERO
    batches_confirmed: Decimal = ZERO
    codes_issued: Decimal = ZERO
    notes: list[str] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        """Approved minus what was paid, credited or is still outstanding."""
        return self.approved - self.paid - self.credited - self.outstanding

    @property
    def batch_difference(self) -> Decimal:
        """Refunds the ledger says were paid minus what confirmed batches paid."""
        return self.paid - self.batches_confirmed

    @property
    def credit_difference(self) -> Decimal:
        """Store credit the ledger says was issued minus the codes' values."""
        return self.credited - self.codes_issued

    @property
    def balanced(self) -> bool:
        return not (self.difference or self.batch_difference or self.credit_difference)


def _sums(queryset, amount_field: str, *group: str) -> dict[tuple, Decimal]:
    rows = queryset.order_by().values(*group).annotate(total=Sum(amount_field))
    return {tuple(row[name] for name in group): row["total"] or ZERO for row in rows}


def ledger_reconcile(*, program: Program | None = None) -> list[ReconcileLine]:
    """Reconcile every program (or one) per currency; a line per program and currency in use."""
    entries = LedgerEntry.objects.all()
    items = PayoutBatchItem.objects.filter(batch__status=BatchStatus.CONFIRMED)
    credits = StoreCredit.objects.all()
    if program is not None:
        entries = entries.filter(program=program)
        items = items.filter(batch__program=program)
        credits = credits.filter(claim__program=program)
    lines: dict[tuple[int, str], ReconcileLine] = {}
    slugs = dict(Program.objects.values_list("pk", "slug"))

    def line(program_id: int, currency: str) -> ReconcileLine:
        key = (program_id, currency)
        if key not in lines:
            lines[key] = ReconcileLine(program_slug=slugs[program_id], currency=currency)
        return lines[key]

    by_kind = _sums(entries, "amount", "program_id", "currency", "kind")
    for (program_id, currency, kind), total in by_kind.items():
        target = line(program_id, currency)
        if kind in APPROVAL_KINDS:
            target.approved += total
        elif kind == EntryKind.REFUND_PAID:
            target.paid += total
        elif kind == EntryKind.STORE_CREDIT_ISSUED:
            target.credited += total
    outstanding = entries.filter(kind__in=APPROVAL_KINDS, claim__status=ClaimStatus.APPROVED)
    for (program_id, currency), total in _sums(
        outstanding, "amount", "program_id", "currency"
    ).items():
        line(program_id, currency).outstanding += total
    paid_in_batches = _sums(items, "amount", "batch__program_id", "batch__currency")
    for (program_id, currency), total in paid_in_batches.items():
        line(program_id, currency).batches_confirmed += total
    for (program_id, currency), total in _sums(
        credits, "value", "claim__program_id", "currency"
    ).items():
        line(program_id, currency).codes_issued += total
    _explain(lines, entries)
    return sorted(lines.values(), key=lambda each: (each.program_slug, each.currency))


def _explain(lines: dict[tuple[int, str], ReconcileLine], entries) -> None:
    # Name the claims behind a difference, so whoever runs the command knows where to look.
    settled = {EntryKind.REFUND_DUE: EntryKind.REFUND_PAID}
    settled[EntryKind.STORE_CREDIT_DUE] = EntryKind.STORE_CREDIT_ISSUED
    done = {ClaimStatus.PAID, ClaimStatus.CREDITED}
    kinds_by_claim: dict[int, set[str]] = defaultdict(set)
    claims = {}
    for entry in entries.select_related("claim").only(
        "kind", "program_id", "currency", "claim__number", "claim__status"
    ):
        kinds_by_claim[entry.claim_id].add(entry.kind)
        claims[entry.claim_id] = entry
    for claim_id, kinds in kinds_by_claim.items():
        entry = claims[claim_id]
        status = entry.claim.status
        target = lines[(entry.program_id, entry.currency)]
        due = [kind for kind in kinds if kind in settled]
        if status in done and not any(settled[kind] in kinds for kind in due):
            target.notes.append(f"{entry.claim.number} is {status} but no payment is posted")
        if status not in done and status != ClaimStatus.APPROVED and due:
            target.notes.append(f"{entry.claim.number} is {status} but has an approval posted")
