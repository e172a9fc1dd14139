"""Reviewers approving one claim at the same moment post its ledger entries once.

Each reviewer is a thread with its own database connection and transaction, as gunicorn's
workers are. On PostgreSQL (DATABASE_URL set) claim_transition's row lock decides: the first
approval holds the claim's row until it commits, the others wait and then find the claim
approved and are refused. On SQLite the IMMEDIATE transactions queue the writers instead; the
test database there is copied to a file, because an in-memory SQLite database shared between
threads refuses a second writer at once rather than letting it wait.

These tests commit for real and flush the claims, ledger, accounts and auth tables afterwards;
belkin_program imports 26-090 again if an earlier test flushed the recalls.
"""

from collections.abc import Callable, Iterator

import pytest
from django.core import mail

# Loaded now, with every app installed: available_apps hides apps the URLconf imports.
import recalldesk.urls  # noqa: F401, I001
from recalldesk.accounts.models import Role
from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus
from recalldesk.claims.review import claim_approve, claims_bulk_approve
from recalldesk.claims.states import ClaimStateError
from recalldesk.claims.tests.review_helpers import file_claim, staff
from recalldesk.claims.tests.submit_helpers import belkin_program, evidence_root  # noqa: F401
from recalldesk.ledger.models import EntryKind, LedgerEntry, StoreCredit
from recalldesk.testing import concurrency

REVIEWERS = 6

pytestmark = [
    pytest.mark.django_db(
        transaction=True,
        # Reviewers are users: auth is flushed too, with the apps whose tables point at it.
        available_apps=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "recalldesk.accounts",
            "recalldesk.claims",
            "recalldesk.ledger",
            # notify: the e-mail templates (it has no tables).
            "recalldesk.notify",
        ],
    ),
    pytest.mark.usefixtures("evidence_root"),
]


@pytest.fixture
def database(tmp_path) -> Iterator[str]:
    with concurrency.shared_database(tmp_path / "review-concurrency.sqlite3") as vendor:
        yield vendor


@pytest.fixture
def program(database):
    return belkin_program()


@pytest.fixture
def reviewers(program) -> list:
    return [staff(program, f"reviewer{n}", role=Role.REVIEWER) for n in range(REVIEWERS)]


def at_once(actions: list[Callable[[], object]]) -> list[tuple[str, object]]:
    return concurrency.at_once(actions, refusals=(ClaimStateError,))


def approve_as(user, pk: int) -> Callable[[], object]:
    # Each reviewer's own copy of the claim, read before the others act, as a page would.
    return lambda: claim_approve(claim=Claim.objects.get(pk=pk), actor=user)


def test_reviewers_approving_one_store_credit_claim_at_once_credit_it_once(
    database, program, reviewers
):
    claim = file_claim(program)
    mail.outbox.clear()

    outcomes = at_once([approve_as(user, claim.pk) for user in reviewers])

    kinds = sorted(kind for kind, _ in outcomes)
    assert "error" not in kinds, [o for o in outcomes if o[0] == "error"][:3]
    assert kinds == ["done"] + ["refused"] * (REVIEWERS - 1)
    assert {message for kind, message in outcomes if kind == "refused"} == {
        f"Claim {claim.number} is credited (its store credit was issued), so it cannot "
        "become approved. That is final: it cannot change any more."
    }
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CREDITED
    assert sorted(LedgerEntry.objects.filter(claim=claim).values_list("kind", flat=True)) == [
        EntryKind.STORE_CREDIT_DUE,
        EntryKind.STORE_CREDIT_ISSUED,
    ]
    credit = StoreCredit.objects.get(claim=claim)
    assert ClaimEvent.objects.filter(claim=claim, to_status="approved").count() == 1
    codes = [m for m in mail.outbox if credit.code[:4] in m.body]
    assert len(codes) == 1, "one e-mail with the code"
    print(f"{database}: 1 approval of {REVIEWERS} concurrent reviewers")


def test_a_single_and_a_bulk_approval_at_once_post_a_refund_once(database, program, reviewers):
    claim = file_claim(program, 7, remedy="refund")
    single = [approve_as(user, claim.pk) for user in reviewers[:3]]
    bulk = [
        lambda user=user: claims_bulk_approve(program=program, actor=user, claim_ids=[claim.pk])
        for user in reviewers[3:]
    ]

    outcomes = at_once(single + bulk)

    assert "error" not in {kind for kind, _ in outcomes}, outcomes
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert list(LedgerEntry.objects.filter(claim=claim).values_list("kind", "amount")) == [
        (EntryKind.REFUND_DUE, claim.amount)
    ]
    assert ClaimEvent.objects.filter(claim=claim, to_status="approved").count() == 1
