"""Store credit: an unguessable code, e-mailed to the owner, shown only to staff who pay."""

import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from recalldesk.claims.models import ClaimEvent, ClaimStatus
from recalldesk.claims.review import claim_approve
from recalldesk.claims.tests.submit_helpers import evidence_root  # noqa: F401 (fixture)
from recalldesk.ledger.codes import (
    ALPHABET,
    store_credit_code_format,
    store_credit_code_new,
    store_credit_code_normalize,
)
from recalldesk.ledger.errors import LedgerError
from recalldesk.ledger.models import EntryKind, LedgerEntry, StoreCredit
from recalldesk.ledger.services import store_credit_issue
from recalldesk.ledger.tests.ledger_setup import belkin_world, file_claim

GROUPED = re.compile(
    r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b"
)


def test_codes_are_sixteen_crockford_characters_and_do_not_repeat():
    codes = {store_credit_code_new() for _ in range(2000)}

    assert len(codes) == 2000
    assert all(len(code) == 16 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("ILOU") & set("".join(codes))


@given(st.text(max_size=40))
def test_normalizing_any_text_gives_a_code_or_none(text):
    code = store_credit_code_normalize(text)

    assert code is None or (len(code) == 16 and set(code) <= set(ALPHABET))


def test_a_code_read_aloud_with_dashes_and_lowercase_finds_itself():
    code = store_credit_code_new()
    typed = store_credit_code_format(code).lower().replace("0", "o").replace("1", "l")

    assert store_credit_code_normalize(typed) == code
    assert GROUPED.fullmatch(store_credit_code_format(code))


@pytest.mark.django_db
@pytest.mark.usefixtures("evidence_root")
def test_approving_store_credit_emails_the_code_and_credits_the_claim(
    smtp_server, django_capture_on_commit_callbacks
):
    world = belkin_world()
    claim = file_claim(world.program, 11, remedy="store_credit", receipt_amount=Decimal("59.99"))

    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=claim, actor=world.rose)

    credit = StoreCredit.objects.get(claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CREDITED
    assert (credit.value, credit.currency) == (Decimal("71.99"), "USD")
    kinds = dict(LedgerEntry.objects.filter(claim=claim).values_list("kind", "amount"))
    assert kinds == {
        EntryKind.STORE_CREDIT_DUE: Decimal("71.99"),
        EntryKind.STORE_CREDIT_ISSUED: Decimal("71.99"),
    }
    assert list(claim.events.values_list("to_status", flat=True)) == [
        "submitted",
        "approved",
        "credited",
    ]
    mails = smtp_server.wait_for(1)
    credit_mails = [m for m in mails if "store credit" in m["Subject"].lower()]
    assert len(credit_mails) == 1
    mail = credit_mails[0]
    assert mail["To"] == "owner11@example.org"
    assert "$71.99" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    shown = store_credit_code_format(credit.code)
    assert GROUPED.findall(text) == [shown]
    assert shown in html


@pytest.mark.django_db
@pytest.mark.usefixtures("evidence_root")
def test_issuing_twice_returns_the_first_code_and_sends_one_email(
    smtp_server, django_capture_on_commit_callbacks
):
    world = belkin_world()
    claim = file_claim(world.program, 12, remedy="store_credit")
    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=claim, actor=world.rose)

    with django_capture_on_commit_callbacks(execute=True):
        again = store_credit_issue(claim=claim)

    assert again == StoreCredit.objects.get(claim=claim)
    assert ClaimEvent.objects.filter(claim=claim, to_status="credited").count() == 1
    mails = smtp_server.wait_for(2, timeout=1)
    assert sum("store credit" in m["Subject"].lower() for m in mails) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("evidence_root")
def test_store_credit_needs_an_approved_store_credit_claim():
    world = belkin_world()
    waiting = file_claim(world.program, 13, remedy="store_credit")
    refund = file_claim(world.program, 14)

    with pytest.raises(LedgerError, match="approve it before"):
        store_credit_issue(claim=waiting)
    with pytest.raises(LedgerError, match="not store credit"):
        store_credit_issue(claim=refund)
    assert not StoreCredit.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("evidence_root")
def test_codes_are_unique_in_the_database():
    world = belkin_world()
    first = file_claim(world.program, 15, remedy="store_credit")
    second = file_claim(world.program, 16, remedy="store_credit")
    claim_approve(claim=first, actor=world.rose)
    code = StoreCredit.objects.get(claim=first).code

    with pytest.raises(IntegrityError), transaction.atomic():
        StoreCredit.objects.create(claim=second, code=code, value=Decimal("1"), currency="USD")


@pytest.mark.django_db
@pytest.mark.usefixtures("evidence_root")
def test_the_code_is_shown_to_staff_who_pay_and_to_no_one_else(client):
    world = belkin_world()
    claim = file_claim(world.program, 17, remedy="store_credit")
    claim_approve(claim=claim, actor=world.rose)
    shown = store_credit_code_format(StoreCredit.objects.get(claim=claim).code)
    url = reverse("ledger:payout_list", args=[world.program.slug])

    client.force_login(world.alice)
    assert shown in client.get(url).content.decode()
    client.force_login(world.rose)
    assert client.get(url).status_code == 403
    client.force_login(world.rose)
    page = client.get(reverse("claims_staff:claim_detail", args=[claim.number]))
    assert shown not in page.content.decode()
