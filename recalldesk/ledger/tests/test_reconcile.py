"""The ledger reconciles to the cent in USD and CAD after claims are filed, approved, rejected,
paid and credited; the command prints the table and fails on any difference."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from recalldesk.claims.models import ClaimStatus
from recalldesk.claims.review import claim_approve, claim_reject
from recalldesk.claims.tests.submit_helpers import evidence_root  # noqa: F401 (fixture)
from recalldesk.ledger.models import EntryKind, LedgerEntry
from recalldesk.ledger.payouts import payout_batch_confirm, payout_batch_create
from recalldesk.ledger.reconcile import ledger_reconcile
from recalldesk.ledger.tests.ledger_setup import belkin_world, file_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


@pytest.fixture
def mixed():
    """Twelve claims in USD and CAD: refunds paid, refunds approved but unpaid, store credit
    issued, rejected claims and claims still waiting."""
    world = belkin_world()
    program, rose, alice = world.program, world.rose, world.alice
    claims = {
        "usd_paid": file_claim(program, 31, receipt_amount=Decimal("59.99")),
        "usd_paid_check": file_claim(program, 32, model="BPB002", payout_method="check"),
        "cad_paid": file_claim(program, 33, canadian=True, receipt_amount=Decimal("79.95")),
        "usd_credit": file_claim(
            program, 34, remedy="store_credit", receipt_amount=Decimal("59.99")
        ),
        "cad_credit": file_claim(program, 35, model="PB0003", remedy="store_credit", canadian=True),
        "usd_rejected": file_claim(program, 36),
        "cad_rejected": file_claim(program, 37, model="BPB002", canadian=True),
        "usd_waiting": file_claim(program, 38, model="PB0003"),
        "usd_outstanding": file_claim(program, 39, model="MMA008"),
        "cad_outstanding": file_claim(program, 40, model="PB0003", canadian=True),
    }
    for name in ("usd_paid", "usd_paid_check", "cad_paid", "usd_credit", "cad_credit"):
        claim_approve(claim=claims[name], actor=rose)
    for name in ("usd_rejected", "cad_rejected"):
        claim_reject(claim=claims[name], actor=rose, reason="The serial number is not recalled.")
    for batch in payout_batch_create(program=program, actor=alice):
        payout_batch_confirm(batch=batch, actor=alice)
    # Approved after the batches were paid: owed, not yet paid.
    for name in ("usd_outstanding", "cad_outstanding"):
        claim_approve(claim=claims[name], actor=rose)
    for claim in claims.values():
        claim.refresh_from_db()
    return world, claims


def test_a_mix_of_dollars_and_canadian_dollars_reconciles_to_zero(mixed):
    world, claims = mixed

    lines = {line.currency: line for line in ledger_reconcile(program=world.program)}

    assert set(lines) == {"USD", "CAD"}
    usd, cad = lines["USD"], lines["CAD"]
    # USD: refunds 59.99 + 49.99 paid, store credit 59.99 x 1.2 = 71.99, 89.99 outstanding.
    assert (usd.approved, usd.paid, usd.credited, usd.outstanding) == (
        Decimal("271.96"),
        Decimal("109.98"),
        Decimal("71.99"),
        Decimal("89.99"),
    )
    # CAD: refund 79.95 paid, store credit 39.99 x 1.2 = 47.99, 39.99 outstanding.
    assert (cad.approved, cad.paid, cad.credited, cad.outstanding) == (
        Decimal("167.93"),
        Decimal("79.95"),
        Decimal("47.99"),
        Decimal("39.99"),
    )
    assert all(line.balanced and not line.notes for line in lines.values())
    statuses = {name: claim.status for name, claim in claims.items()}
    assert statuses["usd_paid"] == statuses["cad_paid"] == ClaimStatus.PAID
    assert statuses["usd_credit"] == statuses["cad_credit"] == ClaimStatus.CREDITED
    assert not LedgerEntry.objects.filter(claim__status=ClaimStatus.REJECTED).exists()


def test_the_command_prints_the_table_and_succeeds(mixed):
    world, _ = mixed
    out = StringIO()

    call_command("reconcile_ledger", "--program", world.program.slug, stdout=out)

    text = out.getvalue()
    assert "difference" in text
    assert "271.96" in text and "167.93" in text
    assert "2 lines, 0 differences." in text


def test_the_command_fails_and_names_the_claim_when_a_payment_is_missing(mixed):
    world, claims = mixed
    # What a bug (or a hand edit) would leave: a paid claim whose payment entry is gone.
    LedgerEntry.objects.filter(claim=claims["cad_paid"], kind=EntryKind.REFUND_PAID).delete()
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("reconcile_ledger", stdout=out)

    assert raised.value.returncode == 1
    assert f"{world.program.slug} CAD" in str(raised.value)
    text = out.getvalue()
    assert "79.95" in text
    assert f"{claims['cad_paid'].number} is paid but no payment is posted" in text


def test_an_unknown_program_is_an_error_a_person_can_act_on():
    with pytest.raises(CommandError, match="No program with the slug 'nope'"):
        call_command("reconcile_ledger", "--program", "nope", stdout=StringIO())
