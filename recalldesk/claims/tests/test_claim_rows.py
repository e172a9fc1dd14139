"""A claim is written only under the program's current terms, in one prepared statement on PG.

claim_submit may check a claim against a program kept in memory (program_cache). What it
writes, and what it refuses, must hold under the terms the database has when it writes: a
program changed by its staff (or by a shell) in between is read again and the claim checked
again. On PostgreSQL the write is one prepared statement, planned again every PLAN_RUNS runs.
"""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recalldesk.claims import claim_rows
from recalldesk.claims.models import AveragePrice, Claim, Program, ProgramProduct
from recalldesk.claims.services import claim_submit
from recalldesk.claims.submission import ClaimRejected, ProgramUnavailable
from recalldesk.claims.tests.submit_helpers import (
    belkin_program,
    evidence_root,  # noqa: F401 (fixture)
    nothing_saved,
    submission,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


@pytest.fixture
def program():
    # As the database has it: the triggers gave it a terms_version when it was written.
    return Program.objects.get(pk=belkin_program().pk)


def as_read_before(program: Program) -> Program:
    """The program as a process read it before the edit that follows."""
    return Program.objects.get(pk=program.pk)


def test_a_claim_under_terms_kept_from_before_they_were_tightened_is_checked_again(program):
    kept = as_read_before(program)
    Program.objects.filter(pk=program.pk).update(receipt_required=True)

    with nothing_saved(), pytest.raises(ClaimRejected) as refused:
        claim_submit(program=kept, submission=submission(receipt=None, receipt_amount=None))

    assert refused.value.field == "receipt"


def test_a_program_closed_since_it_was_read_takes_no_claim(program):
    kept = as_read_before(program)
    Program.objects.filter(pk=program.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    with nothing_saved(), pytest.raises(ProgramUnavailable) as refused:
        claim_submit(program=kept, submission=submission())

    assert "closed" in refused.value.message


def test_a_price_changed_since_the_program_was_read_is_the_price_paid(program):
    kept = as_read_before(program)
    AveragePrice.objects.filter(product__model_number="MMA008", currency="USD").update(
        amount=Decimal("40.00")
    )

    filed = claim_submit(program=kept, submission=submission(receipt=None, receipt_amount=None))

    # Store credit: the new average price and its 20% bonus.
    assert filed.claim.amount == Decimal("48.00")
    assert Claim.objects.get().amount == Decimal("48.00")


def test_a_refusal_under_old_terms_is_checked_under_the_new_ones(program):
    kept = as_read_before(program)
    # As a shell would add it: no service, no save() of the program.
    ProgramProduct.objects.create(
        program=program,
        name="Wall charger",
        model_number="WCA001",
        model_normalized="WCA001",
        serial_rule_kind="all",
    )

    filed = claim_submit(
        program=kept, submission=submission(model_number="WCA001", serial_number="ANY-1")
    )

    assert filed.claim.product.model_number == "WCA001"


def test_on_postgresql_the_claim_rows_are_one_prepared_statement_planned_again(
    program, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes one statement per row")
    monkeypatch.setattr(claim_rows, "PLAN_RUNS", 2)
    connection.ensure_connection()
    connection.connection.recalldesk_claim_rows_runs = 0

    with CaptureQueriesContext(connection) as queries:
        for number in range(1, 4):
            serial = f"57X{number:011d}"
            claim_submit(program=program, submission=replace(submission(), serial_number=serial))

    writes = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert [sql.rsplit("/*", 1)[1] for sql in writes if 'claims_claim"' in sql] == [
        " plan 0 */",
        " plan 0 */",
        " plan 1 */",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["WITH program AS%"],
        )
        assert cursor.fetchone()[0] == 2, "each plan is a statement prepared on the server"
