"""Fifty owners filing the same serial at once make exactly one claim.

Each thread has its own database connection and its own transaction, as gunicorn's workers
do. On PostgreSQL the one-claim-per-serial constraint decides: the losers wait on the
winner's row, then fail and get the date of the claim that won. On SQLite, IMMEDIATE
transactions and the busy timeout put the writers in a queue. The SQLite test database lives
in memory, where a second writer is told "table is locked" at once instead of waiting (shared
cache has no busy timeout), which no real deployment sees: there the test runs on a file copy
of the test database, with the project's own connection options.

These tests commit for real. available_apps limits the flush afterwards to the claims and
accounts tables, so the recalls the session imported stay for the tests that follow (and
belkin_program imports 26-090 again if an earlier test flushed everything).
"""

from collections.abc import Iterator
from dataclasses import replace

import pytest

# Loaded now, with every app installed: available_apps hides auth, which the URLconf (loaded
# on the first reverse()) needs.
import recalldesk.urls  # noqa: F401, I001
from recalldesk.claims.models import Claim, ClaimEvent, Evidence, IdempotencyKey
from recalldesk.claims.services import ClaimRejected, claim_submit
from recalldesk.claims.tests.submit_helpers import (
    SERIAL,
    belkin_program,
    evidence_files,
    evidence_root,  # noqa: F401 (fixture)
    photo_files,
    receipt_file,
    submission,
)
from recalldesk.testing import concurrency

OWNERS = 50

pytestmark = [
    pytest.mark.django_db(
        transaction=True,
        # notify: the e-mail templates (it has no tables).
        available_apps=["recalldesk.accounts", "recalldesk.claims", "recalldesk.notify"],
    ),
    pytest.mark.usefixtures("evidence_root"),
]


@pytest.fixture
def database(tmp_path) -> Iterator[str]:
    with concurrency.shared_database(tmp_path / "concurrency.sqlite3") as vendor:
        yield vendor


def file_at_once(program, submissions, key=None) -> list[tuple[str, object]]:
    """Run claim_submit for each submission in its own thread, all released together."""
    outcomes = concurrency.at_once(
        [
            lambda sent=sent: claim_submit(program=program, submission=sent, idempotency_key=key)
            for sent in submissions
        ],
        refusals=(ClaimRejected,),
    )
    return [
        (("filed" if got.created else "replayed"), got.claim.pk) if kind == "done" else (kind, got)
        for kind, got in outcomes
    ]


def owners_submissions(count: int = OWNERS, *, same_owner: bool = False) -> list:
    """The acceptance claim, sent by `count` owners (or one owner `count` times)."""
    base = submission(receipt=None, photos=[])
    return [
        replace(
            base,
            email=base.email if same_owner else f"owner{n}@example.org",
            receipt=receipt_file(seed=100),
            photos=photo_files(seed=1 if same_owner else 10 + n * 3),
        )
        for n in range(count)
    ]


def test_fifty_concurrent_claims_of_one_serial_make_exactly_one(database):
    program = belkin_program()

    outcomes = file_at_once(program, owners_submissions())

    kinds = [kind for kind, _ in outcomes]
    assert "error" not in kinds, [o for o in outcomes if o[0] == "error"][:3]
    assert kinds.count("filed") == 1
    assert kinds.count("refused") == OWNERS - 1
    claim = Claim.objects.get(serial_normalized=SERIAL)
    refusals = {message for kind, message in outcomes if kind == "refused"}
    assert len(refusals) == 1
    assert refusals.pop().startswith("A claim for this serial number was already filed on ")
    assert Evidence.objects.filter(claim=claim).count() == 3
    assert Evidence.objects.count() == 3
    assert ClaimEvent.objects.count() == 1
    assert len(evidence_files()) == 3, "the losers' files were deleted"
    print(f"{database}: 1 claim of {OWNERS} concurrent submissions")


def test_fifty_concurrent_retries_with_one_key_make_one_claim(database):
    program = belkin_program()
    key = "retry-7f1d2c9e-0b4a-4b8e-9a55-1c3e5f7a9b2d"

    outcomes = file_at_once(program, owners_submissions(same_owner=True), key=key)

    kinds = [kind for kind, _ in outcomes]
    assert "error" not in kinds, [o for o in outcomes if o[0] == "error"][:3]
    assert kinds.count("filed") == 1
    assert kinds.count("replayed") == OWNERS - 1
    claim = Claim.objects.get()
    assert {pk for _, pk in outcomes} == {claim.pk}
    assert IdempotencyKey.objects.get().claim == claim
    assert len(evidence_files()) == 3


def test_one_key_sent_at_once_with_different_claims_files_one_and_refuses_the_rest(database):
    # A client that reuses its Idempotency-Key for other claims: the key's constraint decides.
    program = belkin_program()
    key = "reused-2b9e4c1a-6d3f-4e8a-b7c5-9f1e3a5d7c20"
    base = submission(receipt=None, photos=[])
    sent = [
        replace(
            base,
            serial_number=f"57X{n:011d}",
            email=f"owner{n}@example.org",
            receipt=receipt_file(seed=200 + n),
            photos=photo_files(seed=400 + n * 3),
        )
        for n in range(1, 11)
    ]

    outcomes = file_at_once(program, sent, key=key)

    kinds = [kind for kind, _ in outcomes]
    assert "error" not in kinds, [o for o in outcomes if o[0] == "error"][:3]
    assert kinds.count("filed") == 1
    assert {message for kind, message in outcomes if kind == "refused"} <= {
        "This Idempotency-Key was already used for a different claim.",
        "This Idempotency-Key is in use by a claim being filed; try again.",
    }
    assert kinds.count("refused") == 9
    claim = Claim.objects.get()
    assert IdempotencyKey.objects.get().claim == claim
    assert len(evidence_files()) == 3
