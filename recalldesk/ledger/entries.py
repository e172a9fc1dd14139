"""Helpers the ledger's services share: locking a claim and posting an entry once."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from recalldesk.claims.models import Claim
from recalldesk.ledger.models import LedgerEntry
from recalldesk.money import Money


def claim_locked(claim: Claim) -> Claim:
    """The claim again, its row locked until the transaction ends."""
    return Claim.objects.select_for_update(of=("self",)).select_related("program").get(pk=claim.pk)


def entry_post(
    *, claim: Claim, kind: str, amount: Money, actor: AbstractBaseUser | None
) -> LedgerEntry:
    """The claim's entry of this kind, posted now unless it already was."""
    existing = LedgerEntry.objects.filter(claim=claim, kind=kind).first()
    if existing is not None:
        return existing
    try:
        # A savepoint: a lost race on the unique constraint leaves the caller's transaction usable.
        with transaction.atomic():
            return LedgerEntry.objects.create(
                program_id=claim.program_id,
                claim=claim,
                kind=kind,
                amount=amount.amount,
                currency=amount.currency,
                actor=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError:
        return LedgerEntry.objects.get(claim=claim, kind=kind)


def claim_amount(claim: Claim) -> Money:
    """What an approved claim pays, to the cent, in its currency."""
    return Money(claim.amount, claim.currency).rounded()


def actor_label(actor: AbstractBaseUser | None) -> str:
    """How the claim history names who acted."""
    if actor is None or not actor.is_authenticated:
        return "system"
    return (actor.get_full_name() or actor.get_username())[:100]
