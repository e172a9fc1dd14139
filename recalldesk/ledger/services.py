"""Writes to the ledger: approval entries and store credit. Payouts live in payouts.py.

Each service locks the claim row (select_for_update) before it reads a balance, so two
reviewers approving one claim at once post once; the unique (claim, kind) constraint is the
last line of defence should a caller forget the lock.
"""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from recalldesk.claims.models import Claim, ClaimStatus, Remedy
from recalldesk.claims.states import claim_transition, claims_transition_locked
from recalldesk.ledger.codes import store_credit_code_format, store_credit_code_new
from recalldesk.ledger.entries import actor_label, claim_amount, claim_locked, entry_post
from recalldesk.ledger.errors import LedgerError
from recalldesk.ledger.models import EntryKind, LedgerEntry, StoreCredit
from recalldesk.ledger.payouts import (
    payout_batch_confirm,
    payout_batch_create,
    payout_batch_csv,
)
from recalldesk.money import Money
from recalldesk.notify.services import email_enqueue

__all__ = [
    "LedgerError",
    "ledger_post_approval",
    "ledger_post_approvals",
    "payout_batch_confirm",
    "payout_batch_create",
    "payout_batch_csv",
    "store_credit_issue",
    "store_credits_issue_many",
]

APPROVAL_KIND = {
    Remedy.REFUND: EntryKind.REFUND_DUE,
    Remedy.STORE_CREDIT: EntryKind.STORE_CREDIT_DUE,
}
# A fresh code colliding twice in a row with 80 random bits means the generator is broken.
CODE_ATTEMPTS = 3
NOT_PAYABLE = {ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN}


def ledger_post_approval(
    *, claim: Claim, actor: AbstractBaseUser | None = None
) -> LedgerEntry | None:
    """Post what an approved claim owes (refund or store credit) once; None for other remedies."""
    kind = APPROVAL_KIND.get(claim.remedy)
    if kind is None:
        # A replacement or a repair is not money the ledger tracks.
        return None
    with transaction.atomic():
        current = claim_locked(claim)
        if current.status in NOT_PAYABLE:
            raise LedgerError(
                f"Claim {current.number} is {current.get_status_display().lower()}; "
                "it cannot be approved for payment."
            )
        amount = claim_amount(current)
        if amount.amount <= 0:
            raise LedgerError(
                f"Claim {current.number} has no amount to pay; correct its amount first."
            )
        return entry_post(claim=current, kind=kind, amount=amount, actor=actor)


def ledger_post_approvals(
    *, claims: Sequence[Claim], actor: AbstractBaseUser | None = None
) -> list[LedgerEntry]:
    """Post the approval entries of many claims the caller locked and approved, in one insert."""
    entries = []
    for claim in claims:
        kind = APPROVAL_KIND.get(claim.remedy)
        amount = claim_amount(claim)
        # The same rule as ledger_post_approval: replacement and repair post nothing.
        if kind is None or amount.amount <= 0:
            continue
        entries.append(
            LedgerEntry(
                program_id=claim.program_id,
                claim_id=claim.pk,
                kind=kind,
                amount=amount.amount,
                currency=amount.currency,
                actor=actor if actor is not None and actor.is_authenticated else None,
            )
        )
    # No ignore_conflicts: a claim already posted means the caller's lock failed, a bug to see.
    return LedgerEntry.objects.bulk_create(entries)


def _new_code() -> str:
    for _ in range(CODE_ATTEMPTS):
        code = store_credit_code_new()
        if not StoreCredit.objects.filter(code=code).exists():
            return code
    raise RuntimeError("Could not draw an unused store credit code; check the random source.")


def store_credit_issue(*, claim: Claim, actor: AbstractBaseUser | None = None) -> StoreCredit:
    """Issue the approved claim's store credit code, e-mail it, and mark the claim credited."""
    with transaction.atomic():
        current = claim_locked(claim)
        existing = StoreCredit.objects.filter(claim=current).first()
        if existing is not None:
            # Issuing twice (a retry, a second reviewer) returns the first code, sent once.
            return existing
        if current.remedy != Remedy.STORE_CREDIT:
            raise LedgerError(
                f"Claim {current.number} asked for {current.get_remedy_display().lower()}, "
                "not store credit."
            )
        if current.status != ClaimStatus.APPROVED:
            raise LedgerError(
                f"Claim {current.number} is {current.get_status_display().lower()}; "
                "approve it before issuing store credit."
            )
        due = LedgerEntry.objects.filter(claim=current, kind=EntryKind.STORE_CREDIT_DUE).first()
        if due is None:
            raise LedgerError(
                f"Claim {current.number} has no approval in the ledger; approve it first."
            )
        value = Money(due.amount, due.currency)
        credit = StoreCredit.objects.create(
            claim=current, code=_new_code(), value=value.amount, currency=value.currency
        )
        entry_post(claim=current, kind=EntryKind.STORE_CREDIT_ISSUED, amount=value, actor=actor)
        claim_transition(
            claim=current,
            to=ClaimStatus.CREDITED,
            actor=actor,
            actor_label=actor_label(actor),
            note=f"Store credit of {value} issued and e-mailed.",
        )
        store_credit_email_enqueue(claim=current, credit=credit)
    claim.refresh_from_db(fields=["status"])
    return credit


def store_credit_email_enqueue(*, claim: Claim, credit: StoreCredit) -> None:
    """E-mail the owner the store credit code, once the transaction commits."""
    email_enqueue(
        to=claim.email,
        subject_template="ledger/email/store_credit_subject.txt",
        text_template="ledger/email/store_credit.txt",
        html_template="ledger/email/store_credit.html",
        context={
            "claim": claim,
            "program": claim.program,
            "firm_name": claim.program.firm_account.name,
            "code": store_credit_code_format(credit.code),
            "value": Money(credit.value, credit.currency),
        },
    )


def store_credits_issue_many(
    *, claims: Sequence[Claim], actor: AbstractBaseUser | None, actor_label: str
) -> int:
    """store_credit_issue for many approved claims the caller locked: codes, entries, history,
    e-mails, in a few bulk inserts; returns how many were credited."""
    if not claims:
        return 0
    recorded_actor = actor if actor is not None and actor.is_authenticated else None
    values = {claim.pk: claim_amount(claim) for claim in claims}
    # 80 random bits per code: a repeat among 10,000 is about 1 in 10^16; should one happen,
    # the unique constraint refuses the chunk and nothing of it is saved.
    credits = StoreCredit.objects.bulk_create(
        StoreCredit(
            claim_id=claim.pk,
            code=store_credit_code_new(),
            value=values[claim.pk].amount,
            currency=values[claim.pk].currency,
        )
        for claim in claims
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            program_id=claim.program_id,
            claim_id=claim.pk,
            kind=EntryKind.STORE_CREDIT_ISSUED,
            amount=values[claim.pk].amount,
            currency=values[claim.pk].currency,
            actor=recorded_actor,
        )
        for claim in claims
    )
    claims_transition_locked(
        claims=claims,
        to=ClaimStatus.CREDITED,
        actor=recorded_actor,
        actor_label=actor_label,
        note=lambda claim: f"Store credit of {values[claim.pk]} issued and e-mailed.",
    )
    for claim, credit in zip(claims, credits, strict=True):
        store_credit_email_enqueue(claim=claim, credit=credit)
    return len(claims)
