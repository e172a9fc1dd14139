"""Payout batches through the staff pages: make a batch per currency, download its CSV for the
payment provider, confirm it, and the claims are paid; once only, and only for staff who pay."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from recalldesk.accounts.tests import factories
from recalldesk.claims.models import ClaimStatus
from recalldesk.claims.review import claim_approve
from recalldesk.claims.tests.submit_helpers import evidence_root  # noqa: F401 (fixture)
from recalldesk.ledger.models import BatchStatus, EntryKind, LedgerEntry, PayoutBatch
from recalldesk.ledger.payouts import CSV_HEADER
from recalldesk.ledger.tests.ledger_setup import belkin_world, file_claim

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def approved():
    """Belkin with three approved refunds (two USD: PayPal and check; one CAD) and one pending."""
    world = belkin_world()
    paypal = file_claim(world.program, 21, receipt_amount=Decimal("59.99"))
    check = file_claim(world.program, 22, model="BPB002", payout_method="check")
    canadian = file_claim(world.program, 23, model="PB0003", canadian=True)
    pending = file_claim(world.program, 24)
    for claim in (paypal, check, canadian):
        claim_approve(claim=claim, actor=world.rose)
    return world, paypal, check, canadian, pending


def test_a_batch_per_currency_its_csv_and_its_confirmation_pay_the_claims(client, approved):
    world, paypal, check, canadian, pending = approved
    client.force_login(world.alice)
    list_url = reverse("ledger:payout_list", args=[world.program.slug])

    page = client.get(list_url).content.decode()
    assert "2 claims, $109.98 (USD)" in page
    assert "1 claim, CA$39.99 (CAD)" in page
    response = client.post(list_url, follow=True)
    assert response.status_code == 200
    usd = PayoutBatch.objects.get(currency="USD")
    cad = PayoutBatch.objects.get(currency="CAD")
    assert (usd.total, cad.total) == (Decimal("109.98"), Decimal("39.99"))
    assert "$109.98" in response.content.decode()

    download = client.get(reverse("ledger:payout_csv", args=[usd.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert "no-store" in download["Cache-Control"]
    rows = csv_rows(download)
    assert rows[0] == CSV_HEADER
    assert sorted(rows[1:]) == sorted(
        [
            [paypal.number, "Owner 21", "paypal", "owner21@paypal.example", "59.99", "USD"],
            [
                check.number,
                "Owner 22",
                "check",
                "22 S Aviation Blvd, El Segundo, CA 90245, US",
                "49.99",
                "USD",
            ],
        ]
    )
    assert [row[0] for row in csv_rows(client.get(reverse("ledger:payout_csv", args=[cad.pk])))][
        1:
    ] == [canadian.number]

    confirmed = client.post(reverse("ledger:payout_confirm", args=[usd.pk]), follow=True)
    assert "its claims are paid" in confirmed.content.decode()
    for claim in (paypal, check):
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PAID
        assert claim.events.filter(to_status="paid", actor=world.alice).exists()
    canadian.refresh_from_db()
    assert canadian.status == ClaimStatus.APPROVED
    paid = LedgerEntry.objects.filter(kind=EntryKind.REFUND_PAID)
    assert sorted(paid.values_list("amount", flat=True)) == [Decimal("49.99"), Decimal("59.99")]
    usd.refresh_from_db()
    assert usd.status == BatchStatus.CONFIRMED and usd.confirmed_by == world.alice


def test_confirming_twice_pays_once(client, approved):
    world, paypal, *_ = approved
    client.force_login(world.alice)
    client.post(reverse("ledger:payout_list", args=[world.program.slug]))
    batch = PayoutBatch.objects.get(currency="USD")

    for _ in range(2):
        client.post(reverse("ledger:payout_confirm", args=[batch.pk]))

    assert LedgerEntry.objects.filter(kind=EntryKind.REFUND_PAID).count() == 2
    assert paypal.events.filter(to_status="paid").count() == 1


def test_a_claim_goes_in_one_batch_and_an_empty_program_says_so(client, approved):
    world, *_ = approved
    client.force_login(world.alice)
    url = reverse("ledger:payout_list", args=[world.program.slug])
    client.post(url)

    again = client.post(url)

    assert again.status_code == 400
    assert "No approved refunds" in again.content.decode()
    assert PayoutBatch.objects.count() == 2


def test_a_reviewer_may_not_pay_and_another_firm_sees_nothing(client, approved):
    world, *_ = approved
    client.force_login(world.alice)
    client.post(reverse("ledger:payout_list", args=[world.program.slug]))
    batch = PayoutBatch.objects.get(currency="USD")
    dan = factories.anker().memberships.get().user
    pages = [
        ("get", reverse("ledger:payout_list", args=[world.program.slug])),
        ("get", reverse("ledger:payout_detail", args=[batch.pk])),
        ("get", reverse("ledger:payout_csv", args=[batch.pk])),
        ("post", reverse("ledger:payout_confirm", args=[batch.pk])),
    ]

    for user, status in ((world.rose, 403), (dan, 404)):
        client.force_login(user)
        for method, url in pages:
            assert getattr(client, method)(url).status_code == status, (user, url)
    client.logout()
    assert client.get(pages[1][1]).status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN


def test_the_batch_page_lists_its_claims(client, approved):
    world, paypal, check, *_ = approved
    client.force_login(world.alice)
    client.post(reverse("ledger:payout_list", args=[world.program.slug]))
    batch = PayoutBatch.objects.get(currency="USD")

    page = client.get(reverse("ledger:payout_detail", args=[batch.pk])).content.decode()

    assert paypal.number in page and check.number in page
    assert "Confirm: the provider paid this batch" in page
