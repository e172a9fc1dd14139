"""The moves a claim may make between states, and the history each move leaves."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus
from recalldesk.claims.states import (
    ALLOWED_MOVES,
    MOVE_WORDS,
    STATE_WORDS,
    ClaimStateError,
    claim_transition,
    claims_transition_locked,
)
from recalldesk.claims.tests.review_helpers import file_claim, staff
from recalldesk.claims.tests.submit_helpers import belkin_program, evidence_root  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]

S = ClaimStatus
# The moves the issue names, written out here rather than read from ALLOWED_MOVES, so a
# change to the table shows up as a failing case.
ALLOWED = {
    (S.SUBMITTED, S.IN_REVIEW),
    (S.SUBMITTED, S.NEEDS_INFO),
    (S.SUBMITTED, S.APPROVED),
    (S.SUBMITTED, S.REJECTED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.NEEDS_INFO, S.IN_REVIEW),
    (S.NEEDS_INFO, S.SUBMITTED),
    (S.NEEDS_INFO, S.WITHDRAWN),
    (S.NEEDS_INFO, S.REJECTED),
    (S.NEEDS_INFO, S.NEEDS_INFO),  # a new request for information replaces the earlier link
    (S.IN_REVIEW, S.APPROVED),
    (S.IN_REVIEW, S.REJECTED),
    (S.IN_REVIEW, S.NEEDS_INFO),
    (S.IN_REVIEW, S.WITHDRAWN),
    (S.APPROVED, S.PAID),
    (S.APPROVED, S.CREDITED),
}
EVERY_MOVE = list(itertools.product(S.values, S.values))


@pytest.fixture
def program():
    return belkin_program()


@pytest.fixture
def rosa(program):
    return staff(program, "rosa")


def test_the_table_holds_exactly_the_moves_of_the_issue():
    table = {(a, b) for a, targets in ALLOWED_MOVES.items() for b in targets}
    assert table == ALLOWED
    assert set(ALLOWED_MOVES) == set(S.values), "every status has a row"


@pytest.mark.parametrize(("from_status", "to_status"), sorted(ALLOWED))
def test_an_allowed_move_changes_the_status_and_records_it(program, rosa, from_status, to_status):
    claim = file_claim(program)
    Claim.objects.filter(pk=claim.pk).update(status=from_status)
    claim.refresh_from_db()
    before = ClaimEvent.objects.filter(claim=claim).count()

    event = claim_transition(
        claim=claim, to=to_status, actor=rosa, actor_label="Rosa Demo", note="Checked."
    )

    claim.refresh_from_db()
    assert claim.status == to_status
    assert ClaimEvent.objects.filter(claim=claim).count() == before + 1
    assert (event.from_status, event.to_status, event.actor, event.actor_label, event.note) == (
        from_status,
        to_status,
        rosa,
        "Rosa Demo",
        "Checked.",
    )


@pytest.mark.parametrize(
    ("from_status", "to_status"), [move for move in EVERY_MOVE if move not in ALLOWED]
)
def test_a_move_not_allowed_is_refused_and_leaves_the_claim_as_it_was(
    program, rosa, from_status, to_status
):
    claim = file_claim(program)
    Claim.objects.filter(pk=claim.pk).update(status=from_status)
    claim.refresh_from_db()
    events = list(ClaimEvent.objects.filter(claim=claim).values_list("pk", flat=True))

    with pytest.raises(ClaimStateError) as refused:
        claim_transition(claim=claim, to=to_status, actor=rosa, actor_label="Rosa Demo")

    assert claim.number in refused.value.message
    expected = (
        f"is already {STATE_WORDS[from_status]}."
        if from_status == to_status
        else f"so it cannot {MOVE_WORDS[to_status]}."
    )
    assert expected in refused.value.message
    claim.refresh_from_db()
    assert claim.status == from_status
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("pk", flat=True)) == events


def test_the_refusal_says_what_the_claim_may_do_instead(program, rosa):
    claim = file_claim(program)
    Claim.objects.filter(pk=claim.pk).update(status=S.APPROVED)

    with pytest.raises(ClaimStateError) as refused:
        claim_transition(claim=claim, to=S.REJECTED, actor=rosa, actor_label="Rosa Demo")

    message = refused.value.message
    assert message == (
        f"Claim {claim.number} is approved, so it cannot become rejected. "
        "It can only become paid, or credited."
    )


def test_a_final_state_says_it_is_final(program, rosa):
    claim = file_claim(program)
    Claim.objects.filter(pk=claim.pk).update(status=S.WITHDRAWN)

    with pytest.raises(ClaimStateError, match="final"):
        claim_transition(claim=claim, to=S.SUBMITTED, actor=rosa, actor_label="Rosa Demo")


def test_an_unknown_status_is_refused_by_name(program, rosa):
    claim = file_claim(program)

    with pytest.raises(ClaimStateError, match="'aproved' is not a claim status"):
        claim_transition(claim=claim, to="aproved", actor=rosa, actor_label="Rosa Demo")


def test_the_move_is_checked_against_the_database_not_a_stale_copy(program, rosa):
    claim = file_claim(program)
    stale = Claim.objects.get(pk=claim.pk)
    claim_transition(claim=claim, to=S.REJECTED, actor=rosa, actor_label="Rosa Demo")

    with pytest.raises(ClaimStateError, match="is rejected, so it cannot become approved"):
        claim_transition(claim=stale, to=S.APPROVED, actor=rosa, actor_label="Rosa Demo")
    assert stale.status == S.REJECTED, "the caller's copy learns the current status"


def test_history_is_appended_with_who_when_from_to_and_note(program, rosa):
    claim = file_claim(program)
    [filed] = ClaimEvent.objects.filter(claim=claim)
    filed_row = ClaimEvent.objects.filter(pk=filed.pk).values().get()
    start = timezone.now()

    claim_transition(claim=claim, to=S.IN_REVIEW, actor=rosa, actor_label="Rosa Demo")
    claim_transition(
        claim=claim, to=S.NEEDS_INFO, actor=rosa, actor_label="Rosa Demo", note="Send the back."
    )
    claim_transition(claim=claim, to=S.SUBMITTED, actor=None, actor_label="owner", note="Here.")

    history = list(
        ClaimEvent.objects.filter(claim=claim).values_list(
            "actor", "actor_label", "from_status", "to_status", "note"
        )
    )
    assert history == [
        (None, "owner", "", S.SUBMITTED, ""),
        (rosa.pk, "Rosa Demo", S.SUBMITTED, S.IN_REVIEW, ""),
        (rosa.pk, "Rosa Demo", S.IN_REVIEW, S.NEEDS_INFO, "Send the back."),
        (None, "owner", S.NEEDS_INFO, S.SUBMITTED, "Here."),
    ]
    assert ClaimEvent.objects.filter(pk=filed.pk).values().get() == filed_row, "never rewritten"
    times = list(ClaimEvent.objects.filter(claim=claim).values_list("at", flat=True))
    assert times == sorted(times)
    assert all(start - dt.timedelta(seconds=1) <= at <= timezone.now() for at in times[1:])


def test_a_bulk_move_records_each_claim_from_its_own_status(program, rosa):
    waiting, in_review = file_claim(program, 1), file_claim(program, 2)
    claim_transition(claim=in_review, to=S.IN_REVIEW, actor=rosa, actor_label="Rosa Demo")

    claims_transition_locked(
        claims=[waiting, in_review],
        to=S.APPROVED,
        actor=rosa,
        actor_label="Rosa Demo",
        note=lambda claim: f"approved {claim.number}",
    )

    for claim, was in ((waiting, S.SUBMITTED), (in_review, S.IN_REVIEW)):
        stored = Claim.objects.get(pk=claim.pk)
        assert (claim.status, stored.status) == (S.APPROVED, S.APPROVED)
        event = ClaimEvent.objects.filter(claim=claim).latest("id")
        assert (event.from_status, event.to_status) == (was, S.APPROVED)
        assert (event.actor, event.actor_label, event.note) == (
            rosa,
            "Rosa Demo",
            f"approved {claim.number}",
        )


def test_a_bulk_move_with_one_move_not_allowed_writes_nothing(program, rosa):
    waiting, rejected = file_claim(program, 1), file_claim(program, 2)
    claim_transition(claim=rejected, to=S.REJECTED, actor=rosa, actor_label="Rosa Demo")
    events = ClaimEvent.objects.count()

    with pytest.raises(ClaimStateError) as refused:
        claims_transition_locked(
            claims=[waiting, rejected], to=S.APPROVED, actor=rosa, actor_label="Rosa Demo"
        )

    assert rejected.number in refused.value.message
    assert Claim.objects.get(pk=waiting.pk).status == S.SUBMITTED
    assert ClaimEvent.objects.count() == events
