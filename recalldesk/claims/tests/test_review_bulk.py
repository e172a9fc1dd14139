"""Bulk approval: the clean claims of a program at once, under the rules of a single approval."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recalldesk.accounts.errors import FirmNotFound, PermissionDenied
from recalldesk.accounts.models import Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus
from recalldesk.claims.review import (
    claim_approve,
    claim_reject,
    claim_start_review,
    claims_bulk_approve,
)
from recalldesk.claims.tests.review_helpers import file_claim, flag, staff
from recalldesk.claims.tests.submit_helpers import belkin_program, evidence_root  # noqa: F401
from recalldesk.ledger.models import EntryKind, LedgerEntry, StoreCredit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


@pytest.fixture
def program():
    return belkin_program()


@pytest.fixture
def rosa(program):
    return staff(program, "rosa")


def status(claim) -> str:
    return Claim.objects.values_list("status", flat=True).get(pk=claim.pk)


def entries(claim) -> list[tuple[str, Decimal, str]]:
    return sorted(LedgerEntry.objects.filter(claim=claim).values_list("kind", "amount", "currency"))


def test_bulk_approval_approves_clean_claims_and_leaves_the_rest(
    program, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    refund_us = file_claim(program, 1, remedy="refund")
    refund_ca = file_claim(program, 2, remedy="refund", country="CA", receipt_amount=None)
    credit = file_claim(program, 3)
    reviewing = file_claim(program, 4, remedy="refund")
    claim_start_review(claim=reviewing, actor=rosa)
    flagged = file_claim(program, 5, remedy="refund")
    flag(flagged)
    rejected = file_claim(program, 6, remedy="refund")
    claim_reject(claim=rejected, actor=rosa, reason="Not the recalled model.")

    mailoutbox.clear()

    # Chunks of two: the claims span three chunks and a half.
    with django_capture_on_commit_callbacks(execute=True):
        result = claims_bulk_approve(program=program, actor=rosa, chunk_size=2)

    assert (result.approved, result.credited, result.skipped) == (4, 1, 2)
    assert result.message == (
        "4 claims approved (1 with store credit issued); 2 left in the queue for a reviewer "
        "(fraud signals, or already decided)."
    )
    assert [status(c) for c in (refund_us, refund_ca, credit, reviewing, flagged, rejected)] == [
        "approved",
        "approved",
        "credited",
        "approved",
        "submitted",
        "rejected",
    ]
    assert entries(refund_us) == [(EntryKind.REFUND_DUE, Decimal("59.99"), "USD")]
    assert entries(refund_ca) == [(EntryKind.REFUND_DUE, Decimal("119.99"), "CAD")]
    assert entries(credit) == [
        (EntryKind.STORE_CREDIT_DUE, Decimal("71.99"), "USD"),
        (EntryKind.STORE_CREDIT_ISSUED, Decimal("71.99"), "USD"),
    ]
    code = StoreCredit.objects.get(claim=credit)
    assert (code.value, code.currency) == (Decimal("71.99"), "USD")
    [email] = mailoutbox
    assert email.to == [credit.email]
    assert f"{code.code[:4]}-{code.code[4:8]}-{code.code[8:12]}-{code.code[12:]}" in email.body
    assert [e.to_status for e in ClaimEvent.objects.filter(claim=credit)] == [
        "submitted",
        "approved",
        "credited",
    ]
    assert entries(flagged) == [] and entries(rejected) == []
    approval = ClaimEvent.objects.filter(claim=reviewing).last()
    assert (approval.actor, approval.actor_label, approval.from_status, approval.to_status) == (
        rosa,
        "Rosa Demo",
        ClaimStatus.IN_REVIEW,
        ClaimStatus.APPROVED,
    )
    assert "no fraud signals" in approval.note
    assert LedgerEntry.objects.filter(actor=rosa).count() == 5


@pytest.mark.parametrize("remedy", ["refund", "store_credit"])
def test_bulk_and_single_approval_post_the_same(program, rosa, remedy):
    single = file_claim(program, 1, remedy=remedy, country="CA", receipt_amount=None)
    bulk = file_claim(program, 2, remedy=remedy, country="CA", receipt_amount=None)

    claim_approve(claim=single, actor=rosa)
    claims_bulk_approve(program=program, actor=rosa, claim_ids=[bulk.pk])

    assert entries(single) == entries(bulk)
    assert len(entries(bulk)) == (1 if remedy == "refund" else 2)
    assert status(single) == status(bulk) == ("approved" if remedy == "refund" else "credited")
    assert [e.to_status for e in ClaimEvent.objects.filter(claim=single)] == [
        e.to_status for e in ClaimEvent.objects.filter(claim=bulk)
    ]


def test_only_the_claims_asked_for_are_approved_and_twice_posts_once(program, rosa):
    first, second, third = (file_claim(program, n, remedy="refund") for n in (1, 2, 3))

    result = claims_bulk_approve(program=program, actor=rosa, claim_ids=[first.pk, third.pk])
    again = claims_bulk_approve(program=program, actor=rosa, claim_ids=[first.pk, third.pk])

    assert (result.approved, result.skipped) == (2, 0)
    assert (again.approved, again.skipped) == (0, 2)
    assert [status(c) for c in (first, second, third)] == ["approved", "submitted", "approved"]
    assert LedgerEntry.objects.filter(claim__program=program).count() == 2
    assert ClaimEvent.objects.filter(to_status="approved").count() == 2


def test_the_queries_do_not_grow_with_the_number_of_claims(program, rosa):
    def queries_to_approve(claims) -> int:
        with CaptureQueriesContext(connection) as captured:
            result = claims_bulk_approve(
                program=program, actor=rosa, claim_ids=[c.pk for c in claims]
            )
        assert result.approved == len(claims)
        return len(captured.captured_queries)

    few = [file_claim(program, n, remedy="refund") for n in range(1, 3)]
    many = [file_claim(program, n, remedy="refund") for n in range(3, 9)]

    assert queries_to_approve(many) == queries_to_approve(few)


def test_bulk_approval_needs_the_review_role_in_the_firm(program, rosa):
    claim = file_claim(program, 1, remedy="refund")
    vera = staff(program, "vera", role=Role.VIEWER)
    dan = factories.anker().memberships.get().user

    with pytest.raises(PermissionDenied):
        claims_bulk_approve(program=program, actor=vera)
    with pytest.raises(FirmNotFound):
        claims_bulk_approve(program=program, actor=dan, claim_ids=[claim.pk])
    assert status(claim) == "submitted"
