"""Two people doing the same money action at the same moment pay once.

Each person is a thread with its own database connection and transaction, as gunicorn's
workers are. On PostgreSQL (DATABASE_URL set) the row locks decide: the claim's row while an
approval posts, the batch's row while it is confirmed, the program's row while a batch is
made. On SQLite the IMMEDIATE transactions queue the writers; the in-memory test database is
copied to a file first, since shared in-memory SQLite refuses a second writer at once.

These tests commit for real, and the flush afterwards wipes the recalls the session imported:
the data is made again here (recall_ensure imports 26-090 when it is missing). auth is not
flushed (see available_apps), so the staff users made here get unique addresses and are
deleted afterwards.
"""

import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.db import connection, transaction

# Loaded now, with every app installed: available_apps hides auth, which the URLconf needs.
import recalldesk.urls  # noqa: F401, I001
from recalldesk.accounts.models import Membership, Role
from recalldesk.accounts.services import User, firm_account_create
from recalldesk.claims.models import ClaimEvent, ClaimStatus
from recalldesk.claims.review import claim_approve
from recalldesk.claims.states import ClaimStateError, claim_transition
from recalldesk.claims.tests.submit_helpers import belkin_program, evidence_root  # noqa: F401
from recalldesk.ledger.errors import LedgerError
from recalldesk.ledger.models import EntryKind, LedgerEntry, PayoutBatch, StoreCredit
from recalldesk.ledger.payouts import payout_batch_confirm, payout_batch_create
from recalldesk.ledger.reconcile import ledger_reconcile
from recalldesk.ledger.services import ledger_post_approval
from recalldesk.ledger.tests.ledger_setup import file_claim
from recalldesk.testing import concurrency

PEOPLE = 4

pytestmark = [
    pytest.mark.django_db(
        transaction=True,
        available_apps=[
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
def world(tmp_path) -> Iterator[dict]:
    """Belkin's program with two reviewers and two payers, in the database the threads share."""
    copy = None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        copy = concurrency.sqlite_file_copy(tmp_path / "ledger-concurrency.sqlite3")
        copy.__enter__()
    tag = uuid.uuid4().hex[:8]
    people = {}
    for name, role in (("rose", Role.REVIEWER), ("rick", Role.REVIEWER)) + tuple(
        (f"payer{n}", Role.COORDINATOR) for n in range(PEOPLE)
    ):
        email = f"{name}.{tag}@belkin.example"
        # Not UserManager.create_user: it asks the app registry for auth, hidden here.
        user = User(username=email, email=email, first_name=name.capitalize())
        user.set_unusable_password()
        user.save()
        people[name] = (user, role)
    firm_account = firm_account_create(name="Belkin", slug=f"belkin-{tag}")
    for user, role in people.values():
        Membership.objects.create(user=user, firm_account=firm_account, role=role)
    program = belkin_program(slug=f"belkin-{tag}", firm_account=firm_account, required_photos=[])
    try:
        yield {"program": program, **{name: user for name, (user, _) in people.items()}}
    finally:
        if copy is not None:
            # The file copy, users and all, is thrown away.
            copy.__exit__(None, None, None)
        else:
            _users_delete([user for user, _ in people.values()])


def _users_delete(users) -> None:
    # The flush that follows clears the rows pointing at them; first let go of them here.
    ids = [user.pk for user in users]
    Membership.objects.filter(user_id__in=ids).delete()
    for model, field in (
        (ClaimEvent, "actor_id"),
        (LedgerEntry, "actor_id"),
        (PayoutBatch, "created_by_id"),
        (PayoutBatch, "confirmed_by_id"),
    ):
        model.objects.filter(**{f"{field}__in": ids}).update(**{field: None})
    # By the model class: available_apps hides auth from get_user_model().
    type(users[0]).objects.filter(pk__in=ids).delete()


def at_once(actions: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Run each action in its own thread and connection, all released together."""
    outcomes = concurrency.at_once(actions, refusals=(ClaimStateError, LedgerError), timeout=120)
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    return outcomes


def test_two_reviewers_approving_one_store_credit_claim_post_and_credit_once(world):
    claim = file_claim(world["program"], 51, remedy="store_credit", receipt_amount=Decimal("59.99"))

    outcomes = at_once(
        [lambda who=who: claim_approve(claim=claim, actor=world[who]) for who in ("rose", "rick")]
    )

    assert sorted(kind for kind, _ in outcomes) == ["done", "refused"]
    entries = LedgerEntry.objects.filter(claim=claim)
    assert sorted(entries.values_list("kind", "amount")) == [
        (EntryKind.STORE_CREDIT_DUE, Decimal("71.99")),
        (EntryKind.STORE_CREDIT_ISSUED, Decimal("71.99")),
    ]
    assert StoreCredit.objects.filter(claim=claim).count() == 1
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CREDITED


def test_posting_one_approval_from_many_threads_posts_once(world):
    claim = file_claim(world["program"], 52, receipt_amount=Decimal("89.99"))
    claim_transition(claim=claim, to=ClaimStatus.APPROVED, actor=world["rose"], actor_label="Rose")

    def post():
        with transaction.atomic():
            return ledger_post_approval(claim=claim).pk

    outcomes = at_once([post] * PEOPLE)

    entry = LedgerEntry.objects.get(claim=claim)
    assert {pk for _, pk in outcomes} == {entry.pk}
    assert entry.amount == Decimal("89.99")


def test_payers_making_and_confirming_batches_at_once_pay_each_claim_once(world):
    program = world["program"]
    claims = [
        file_claim(program, 53, receipt_amount=Decimal("59.99")),
        file_claim(program, 54, model="BPB002", canadian=True),
        file_claim(program, 55, model="PB0003", payout_method="check"),
    ]
    for claim in claims:
        claim_approve(claim=claim, actor=world["rose"])
    payers = [world[f"payer{n}"] for n in range(PEOPLE)]

    made = at_once([lambda p=p: payout_batch_create(program=program, actor=p) for p in payers])

    assert [kind for kind, _ in made].count("done") == 1
    batches = list(PayoutBatch.objects.filter(program=program))
    assert sorted(b.currency for b in batches) == ["CAD", "USD"]
    confirms = [
        lambda b=batch, p=payer: payout_batch_confirm(batch=b, actor=p).pk
        for batch in batches
        for payer in payers
    ]
    at_once(confirms)
    paid = LedgerEntry.objects.filter(program=program, kind=EntryKind.REFUND_PAID)
    assert sorted(paid.values_list("claim_id", flat=True)) == sorted(c.pk for c in claims)
    for claim in claims:
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PAID
        assert claim.events.filter(to_status="paid").count() == 1
    assert all(line.balanced for line in ledger_reconcile(program=program))
