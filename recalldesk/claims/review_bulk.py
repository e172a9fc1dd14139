"""Approving many clean claims at once, with the rules of a single approval.

A clean claim is one in submitted or in review with no fraud signal. The claims go in chunks,
each in its own transaction: one query locks the chunk's rows (skipping any a reviewer decided
meanwhile: PostgreSQL re-checks the status of a row it waited for), claims_transition_locked
moves them and writes their history (one update, one bulk insert), and the ledger's
ledger_post_approvals their entries.
Store credit claims then get what store_credit_issue gives a single one, in bulk too
(store_credits_issue_many): codes, "issued" entries, the move to credited and its history;
only the e-mails with the codes are rendered one by one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef

from recalldesk.accounts.services import require_role
from recalldesk.claims.models import Claim, ClaimStatus, FraudSignal, Program, Remedy
from recalldesk.claims.states import ALLOWED_MOVES, actor_label_for, claims_transition_locked
from recalldesk.ledger.services import (
    APPROVAL_KIND,
    ledger_post_approvals,
    store_credits_issue_many,
)

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
        claims_transition_locked(
            claims=claims, to=ClaimStatus.APPROVED, actor=actor, actor_label=label, note=BULK_NOTE
        )
        for claim in claims:
            claim.program = program
        ledger_post_approvals(claims=claims, actor=actor)
        credited = store_credits_issue_many(
            claims=[c for c in claims if c.remedy == Remedy.STORE_CREDIT],
            actor=actor,
            actor_label=label,
        )
    return len(claims), credited


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
