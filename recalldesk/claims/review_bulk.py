"""Approving many clean claims at once, with the rules of a single approval.

A clean claim is one in submitted or in review with no fraud signal. The claims go in chunks,
each in its own transaction: one query locks the chunk's rows (skipping any a reviewer decided
meanwhile: PostgreSQL re-checks the status of a row it waited for), one update moves them,
one bulk insert writes their history and one their ledger entries. Store credit claims then
get what store_credit_issue gives a single one, in bulk too: codes, "issued" entries, the move
to credited and its history; only the e-mails with the codes are rendered one by one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from recalldesk.accounts.services import require_role
from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus, FraudSignal, Program, Remedy
from recalldesk.claims.states import ALLOWED_MOVES, actor_label_for
from recalldesk.ledger.codes import store_credit_code_new
from recalldesk.ledger.entries import claim_amount
from recalldesk.ledger.models import EntryKind, LedgerEntry, StoreCredit
from recalldesk.ledger.services import APPROVAL_KIND, store_credit_email_enqueue

CHUNK_SIZE = 1000
APPROVABLE = frozenset(s for s, moves in ALLOWED_MOVES.items() if ClaimStatus.APPROVED in moves)
BULK_NOTE = "Approved in bulk: no fraud signals."


@dataclass(frozen=True)
class BulkApproval:
    """What a bulk approval did: claims approved, of them credited, and claims left for a person."""

    approved: int
    credited: int
    skipped: int

    @property
    def message(self) -> str:
        text = f"{self.approved} claim{'s' if self.approved != 1 else ''} approved"
        if self.credited:
            text += f" ({self.credited} with store credit issued)"
        if self.skipped:
            text += (
                f"; {self.skipped} left in the queue for a reviewer (fraud signals, "
                "or already decided)"
            )
        return text + "."


def _clean(queryset):
    return queryset.filter(
        ~Exists(FraudSignal.objects.filter(claim=OuterRef("pk"))), status__in=APPROVABLE
    ).exclude(
        # ledger_post_approval refuses a refund or store credit of nothing: left for a person.
        remedy__in=list(APPROVAL_KIND),
        amount__lte=0,
    )


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _approve_chunk(
    *, program: Program, ids: list[int], actor: AbstractBaseUser, label: str
) -> tuple[int, int]:
    with transaction.atomic():
        # of=("self",): the program and products stay unlocked for everyone else.
        claims = list(
            _clean(Claim.objects.filter(program=program, pk__in=ids))
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if not claims:
            return 0, 0
        now = timezone.now()
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
            status=ClaimStatus.APPROVED, updated_at=now
        )
        ClaimEvent.objects.bulk_create(
            ClaimEvent(
                claim_id=c.pk,
                actor=actor,
                actor_label=label,
                from_status=c.status,
                to_status=ClaimStatus.APPROVED,
                note=BULK_NOTE,
            )
            for c in claims
        )
        entries = []
        for claim in claims:
            claim.status, claim.updated_at, claim.program = ClaimStatus.APPROVED, now, program
            kind = APPROVAL_KIND.get(claim.remedy)
            amount = claim_amount(claim)
            # The same rule as ledger_post_approval: replacement and repair post nothing.
            if kind is not None and amount.amount > 0:
                entries.append(
                    LedgerEntry(
                        program_id=program.pk,
                        claim_id=claim.pk,
                        kind=kind,
                        amount=amount.amount,
                        currency=amount.currency,
                        actor=actor,
                    )
                )
        LedgerEntry.objects.bulk_create(entries)
        credited = _credit_chunk(
            claims=[c for c in claims if c.remedy == Remedy.STORE_CREDIT],
            program=program,
            actor=actor,
            label=label,
        )
    return len(claims), credited


def _credit_chunk(
    *, claims: list[Claim], program: Program, actor: AbstractBaseUser, label: str
) -> int:
    """store_credit_issue for many approved claims at once: codes, entries, history, e-mails."""
    if not claims:
        return 0
    now = timezone.now()
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
            program_id=program.pk,
            claim_id=claim.pk,
            kind=EntryKind.STORE_CREDIT_ISSUED,
            amount=values[claim.pk].amount,
            currency=values[claim.pk].currency,
            actor=actor,
        )
        for claim in claims
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(
        status=ClaimStatus.CREDITED, updated_at=now
    )
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim_id=claim.pk,
            actor=actor,
            actor_label=label,
            from_status=ClaimStatus.APPROVED,
            to_status=ClaimStatus.CREDITED,
            note=f"Store credit of {values[claim.pk]} issued and e-mailed.",
        )
        for claim in claims
    )
    for claim, credit in zip(claims, credits, strict=True):
        claim.status = ClaimStatus.CREDITED
        store_credit_email_enqueue(claim=claim, credit=credit)
    return len(claims)


def claims_bulk_approve(
    *,
    program: Program,
    actor: AbstractBaseUser,
    claim_ids: Iterable[int] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> BulkApproval:
    """Approve a program's claims that have no fraud signal (all, or those of claim_ids)."""
    require_role(user=actor, firm_account=program.firm_account, action="claim.review")
    wanted = Claim.objects.filter(program=program)
    if claim_ids is not None:
        wanted = wanted.filter(pk__in=list(claim_ids))
    requested = wanted.count()
    ids = list(_clean(wanted).order_by("pk").values_list("pk", flat=True))
    label = actor_label_for(actor)
    approved = credited = 0
    for chunk in _chunks(ids, chunk_size):
        done, issued = _approve_chunk(program=program, ids=chunk, actor=actor, label=label)
        approved += done
        credited += issued
    return BulkApproval(approved=approved, credited=credited, skipped=requested - approved)
