"""Approval posts what the firm owes once, whoever approves and however often."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from recalldesk.claims.models import ClaimStatus
from recalldesk.claims.review import claim_approve, claim_reject
from recalldesk.claims.states import ClaimStateError, claim_transition
from recalldesk.claims.tests.submit_helpers import evidence_root  # noqa: F401 (fixture)
from recalldesk.ledger.errors import LedgerError
from recalldesk.ledger.models import EntryKind, LedgerEntry
from recalldesk.ledger.services import ledger_post_approval, ledger_post_approvals
from recalldesk.ledger.tests.ledger_setup import belkin_world, file_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


def test_approving_a_refund_posts_the_receipt_amount_once():
    world = belkin_world()
    claim = file_claim(world.program, 1, receipt_amount=Decimal("59.99"))

    claim_approve(claim=claim, actor=world.rose)
    again = ledger_post_approval(claim=claim)

    entry = LedgerEntry.objects.get(claim=claim)
    assert (entry.kind, entry.amount, entry.currency) == (
        EntryKind.REFUND_DUE,
        Decimal("59.99"),
        "USD",
    )
    assert again == entry
    assert entry.program == world.program


def test_a_refund_without_receipt_is_the_models_average_price_in_canadian_dollars():
    world = belkin_world()
    claim = file_claim(world.program, 2, model="BPB002", canadian=True)

    claim_approve(claim=claim, actor=world.rose)

    entry = LedgerEntry.objects.get(claim=claim)
    assert (entry.amount, entry.currency) == (Decimal("66.99"), "CAD")


def test_a_second_approval_is_refused_and_posts_nothing_more():
    world = belkin_world()
    claim = file_claim(world.program, 3, receipt_amount=Decimal("89.99"))
    claim_approve(claim=claim, actor=world.rose)

    with pytest.raises(ClaimStateError, match="already approved"):
        claim_approve(claim=claim, actor=world.alice)

    assert LedgerEntry.objects.filter(claim=claim).count() == 1


def test_the_database_refuses_a_second_entry_of_a_kind_and_amounts_of_zero():
    world = belkin_world()
    claim = file_claim(world.program, 4, receipt_amount=Decimal("19.99"))
    claim_approve(claim=claim, actor=world.rose)

    fields = {"program": world.program, "claim": claim, "currency": "USD"}
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(kind=EntryKind.REFUND_DUE, amount=Decimal("19.99"), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(kind=EntryKind.REFUND_PAID, amount=Decimal("0"), **fields)


def test_a_rejected_claim_cannot_be_posted():
    world = belkin_world()
    claim = file_claim(world.program, 5)
    claim_reject(claim=claim, actor=world.rose, reason="The serial number is not in the recall.")

    with pytest.raises(LedgerError, match="rejected"):
        ledger_post_approval(claim=claim)

    assert not LedgerEntry.objects.filter(claim=claim).exists()


def test_replacement_posts_no_money():
    world = belkin_world()
    world.program.replacement_offered = True
    world.program.save(update_fields=["replacement_offered"])
    claim = file_claim(world.program, 6, remedy="replacement")
    claim_transition(claim=claim, to=ClaimStatus.APPROVED, actor=world.rose, actor_label="Rose")

    assert ledger_post_approval(claim=claim) is None
    assert not LedgerEntry.objects.filter(claim=claim).exists()


def test_bulk_posting_posts_each_money_claim_once_and_refuses_a_repeat():
    world = belkin_world()
    world.program.replacement_offered = True
    world.program.save(update_fields=["replacement_offered"])
    claims = [
        file_claim(world.program, 7, receipt_amount=Decimal("59.99")),
        file_claim(world.program, 8, model="PB0003", remedy="store_credit", canadian=True),
        file_claim(world.program, 9, remedy="replacement"),
    ]
    for claim in claims:
        claim_transition(claim=claim, to=ClaimStatus.APPROVED, actor=world.rose, actor_label="Rose")

    posted = ledger_post_approvals(claims=claims, actor=world.rose)

    assert sorted((e.kind, e.amount, e.currency) for e in posted) == [
        (EntryKind.REFUND_DUE, Decimal("59.99"), "USD"),
        (EntryKind.STORE_CREDIT_DUE, Decimal("47.99"), "CAD"),
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger_post_approvals(claims=claims[:1])
    assert LedgerEntry.objects.filter(actor=world.rose).count() == 2
