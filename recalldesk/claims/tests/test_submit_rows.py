"""The rows a filed claim leaves: what the models would store, read back from the database.

claim_submit writes its three rows without Model.save (claim_rows.py: one prepared statement
on PostgreSQL, row_insert on SQLite); these check that every column holds what the ORM would
have written: the values sent, the models' defaults, the times of auto_now_add and auto_now,
JSON and decimals as typed.
"""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import models
from django.utils import timezone

from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus, IdempotencyKey
from recalldesk.claims.services import claim_submit
from recalldesk.claims.tests.submit_helpers import (
    belkin_program,
    evidence_root,  # noqa: F401 (fixture)
    submission,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]

KEY = "3f1c9a52-7d4e-4b8a-9c61-0e2f5a7b8d90"


def _columns(row: models.Model) -> dict[str, object]:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def test_a_filed_claim_is_stored_as_the_orm_would_store_it():
    # Without files, as most claims through the API: the program asks for no photo.
    program = belkin_program(required_photos=[])
    sent = submission(
        remedy="refund",
        payout_method="paypal",
        payout_details={"paypal_email": "pay@example.org"},
        receipt=None,
        photos=[],
        receipt_amount=None,
    )
    before = timezone.now()
    receipt = claim_submit(program=program, submission=sent, idempotency_key=KEY)
    after = timezone.now()

    stored = Claim.objects.get()
    # The instance handed back (to the API's answer, the fraud checks, the e-mail) is the row.
    assert receipt.created is True
    assert _columns(receipt.claim) == _columns(stored)
    assert stored.pk == receipt.claim.pk and receipt.claim._state.adding is False
    assert stored.payout_details == {"paypal_email": "pay@example.org"}
    # Without a receipt: no amount on one (NULL), the model's average price to pay.
    assert stored.receipt_amount is None
    assert isinstance(stored.amount, Decimal) and stored.amount > 0
    assert stored.status == ClaimStatus.SUBMITTED
    # Defaults of the fields a new claim does not set.
    assert (stored.owner_note, stored.upload_token_hash, stored.disposal_confirmed_at) == (
        "",
        "",
        None,
    )
    assert before <= stored.submitted_at <= after
    assert stored.updated_at - stored.submitted_at < timedelta(seconds=1)

    [event] = ClaimEvent.objects.all()
    assert (event.claim_id, event.actor_id, event.actor_label) == (stored.pk, None, "owner")
    assert (event.from_status, event.to_status, event.note) == ("", ClaimStatus.SUBMITTED, "")
    assert before <= event.at <= after

    [key] = IdempotencyKey.objects.all()
    assert key.claim_id == stored.pk and len(key.key) == 64 and len(key.request_hash) == 64
    assert before <= key.created_at <= after

    # The same key and content again: the stored claim, found through the stored key.
    again = claim_submit(program=program, submission=replace(sent), idempotency_key=KEY)
    assert (again.created, again.claim.pk) == (False, stored.pk)
