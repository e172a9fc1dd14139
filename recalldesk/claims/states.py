"""The states of a claim, the moves allowed between them, and the functions that move it.

Every change of a claim's status goes through claim_transition: it locks the claim's row, so
two people acting on one claim at once are put in a queue (the second sees the first's result),
checks the move against ALLOWED_MOVES, and appends a ClaimEvent. History is never edited.
Bulk work (approving thousands of clean claims, issuing their store credit) locks its rows
itself and moves them with claims_transition_locked: the same check and history, in one update
and one insert.
"""

from collections.abc import Callable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus

S = ClaimStatus

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.IN_REVIEW, S.NEEDS_INFO, S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    # SUBMITTED: the owner added what was asked, and the claim is back in the queue.
    # NEEDS_INFO again: a new request (the owner lost the e-mail, or more is needed) whose
    # link replaces the earlier one.
    S.NEEDS_INFO: frozenset({S.IN_REVIEW, S.SUBMITTED, S.WITHDRAWN, S.REJECTED, S.NEEDS_INFO}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.REJECTED, S.NEEDS_INFO, S.WITHDRAWN}),
    # Money was promised: an approved claim only ends paid (refund) or credited (store credit).
    S.APPROVED: frozenset({S.PAID, S.CREDITED}),
    S.REJECTED: frozenset(),
    S.PAID: frozenset(),
    S.CREDITED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

ACTOR_LABEL_MAX_LENGTH = ClaimEvent._meta.get_field("actor_label").max_length


class ClaimStateError(Exception):
    """A claim cannot make the move asked for, in words a person can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# "Claim RD-7K4M-Q2XP is ..." and "... so it cannot ...": the words of a refusal.
STATE_WORDS: dict[str, str] = {
    S.SUBMITTED: "waiting in the queue",
    S.NEEDS_INFO: "waiting for more information from the owner",
    S.IN_REVIEW: "in review",
    S.APPROVED: "approved",
    S.REJECTED: "rejected",
    S.PAID: "paid",
    S.CREDITED: "credited (its store credit was issued)",
    S.WITHDRAWN: "withdrawn by the owner",
}
MOVE_WORDS: dict[str, str] = {
    S.SUBMITTED: "become submitted again",
    S.NEEDS_INFO: "become waiting for more information",
    S.IN_REVIEW: "become in review",
    S.APPROVED: "become approved",
    S.REJECTED: "become rejected",
    S.PAID: "become paid",
    S.CREDITED: "become credited",
    S.WITHDRAWN: "become withdrawn",
}


def move_allowed(from_status: str, to_status: str) -> bool:
    """Whether a claim in from_status may be moved to to_status."""
    return to_status in ALLOWED_MOVES.get(from_status, frozenset())


def move_refusal(*, number: str, from_status: str, to_status: str) -> str:
    """Why a move is refused, and what the claim may do instead."""
    state = STATE_WORDS.get(from_status, from_status)
    if from_status == to_status:
        return f"Claim {number} is already {state}."
    allowed = [
        MOVE_WORDS[s].removeprefix("become ")
        for s in S.values
        if s in ALLOWED_MOVES.get(from_status, ())
    ]
    then = (
        f"It can only become {', or '.join(allowed)}."
        if allowed
        else "That is final: it cannot change any more."
    )
    return f"Claim {number} is {state}, so it cannot {MOVE_WORDS[to_status]}. {then}"


def actor_label_for(actor: AbstractBaseUser | None) -> str:
    """How the history names a staff member: full name, else e-mail, else username."""
    if actor is None:
        return "system"
    name = (actor.get_full_name() or "").strip() or actor.email or actor.get_username()
    return name[:ACTOR_LABEL_MAX_LENGTH]


def claim_transition(
    *,
    claim: Claim,
    to: str,
    actor: AbstractBaseUser | None,
    actor_label: str,
    note: str = "",
) -> ClaimEvent:
    """Move a claim to another status under a row lock, recorded; ClaimStateError if not allowed."""
    if to not in ClaimStatus.values:
        raise ClaimStateError(f"{to!r} is not a claim status; one of {', '.join(S.values)}.")
    with transaction.atomic():
        # The row as committed now, not as the caller read it: another reviewer may have acted.
        current = Claim.objects.select_for_update().only("id", "number", "status").get(pk=claim.pk)
        if not move_allowed(current.status, to):
            claim.status = current.status
            raise ClaimStateError(
                move_refusal(number=current.number, from_status=current.status, to_status=to)
            )
        now = timezone.now()
        Claim.objects.filter(pk=claim.pk).update(status=to, updated_at=now)
        event = ClaimEvent.objects.create(
            claim_id=claim.pk,
            actor=actor,
            actor_label=(actor_label or actor_label_for(actor))[:ACTOR_LABEL_MAX_LENGTH],
            from_status=current.status,
            to_status=to,
            note=note,
        )
    claim.status = to
    claim.updated_at = now
    return event


def claims_transition_locked(
    *,
    claims: Sequence[Claim],
    to: str,
    actor: AbstractBaseUser | None,
    actor_label: str,
    note: str | Callable[[Claim], str] = "",
) -> None:
    """claim_transition for many claims whose rows the caller locked in its transaction.

    Each move is checked against ALLOWED_MOVES from the status the claim holds (as the caller
    read it under the lock); a refused one raises ClaimStateError before anything is written.
    `note` is the same for all, or worked out per claim.
    """
    for claim in claims:
        if not move_allowed(claim.status, to):
            raise ClaimStateError(
                move_refusal(number=claim.number, from_status=claim.status, to_status=to)
            )
    if not claims:
        return
    now = timezone.now()
    label = (actor_label or actor_label_for(actor))[:ACTOR_LABEL_MAX_LENGTH]
    Claim.objects.filter(pk__in=[claim.pk for claim in claims]).update(status=to, updated_at=now)
    ClaimEvent.objects.bulk_create(
        ClaimEvent(
            claim_id=claim.pk,
            actor=actor,
            actor_label=label,
            from_status=claim.status,
            to_status=to,
            note=note(claim) if callable(note) else note,
        )
        for claim in claims
    )
    for claim in claims:
        claim.status, claim.updated_at = to, now
