"""The firm API through HTTP: a firm's token reads and decides its own claims, and nothing else.

Firm A is Belkin (demo) with its program for the real recall 26-090; firm B is Anker (real
recall 25-338). Every endpoint answers firm B's token with 404 for firm A's claims, as if they
did not exist; a revoked token and no token get 401.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from recalldesk.accounts.models import Membership, Role
from recalldesk.accounts.tests import factories
from recalldesk.accounts.tokens import api_token_create, api_token_revoke
from recalldesk.claims.models import ClaimStatus
from recalldesk.claims.services import claim_submit
from recalldesk.claims.tests.submit_helpers import (
    belkin_program,
    evidence_root,  # noqa: F401 (fixture)
    photo_files,
    receipt_file,
    submission,
)
from recalldesk.ledger.models import EntryKind, LedgerEntry
from recalldesk.ledger.payouts import payout_batch_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def program():
    return belkin_program()


@pytest.fixture
def belkin_admin(program):
    user = factories.staff_user("olivia", "belkin.example")
    Membership.objects.create(user=user, firm_account=program.firm_account, role=Role.ADMIN)
    return user


@pytest.fixture
def token_a(program, belkin_admin):
    _, plain = api_token_create(
        actor=belkin_admin, firm_account=program.firm_account, name="Claims system"
    )
    return plain


@pytest.fixture
def token_b(db):
    anker = factories.anker()
    dan = anker.memberships.get(role=Role.ADMIN).user
    _, plain = api_token_create(actor=dan, firm_account=anker, name="Anker payments")
    return plain


def file_claim(program, *, serial="57X00000000001", seed=1, **changes):
    data = submission(
        serial_number=serial,
        receipt=receipt_file(seed=seed + 100),
        photos=photo_files(seed),
        **changes,
    )
    return claim_submit(program=program, submission=data).claim


def api(token: str | None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(headers=headers)


def decide(token, number, **body):
    return api(token).post(
        f"/api/firm/claims/{number}/decision", body, content_type="application/json"
    )


def test_a_firm_lists_its_claims_filtered_and_paginated(program, token_a):
    first = file_claim(program, serial="57X00000000001", seed=1)
    second = file_claim(program, serial="57X00000000002", seed=11, email="sam.lee@example.net")
    decide(token_a, second.number, action="reject", reason="The serial is not on the label.")

    listed = api(token_a).get("/api/firm/claims", {"page_size": 1})
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2 and len(body["results"]) == 1
    assert body["results"][0]["number"] == second.number  # newest first
    page_two = api(token_a).get("/api/firm/claims", {"page_size": 1, "page": 2}).json()
    assert [c["number"] for c in page_two["results"]] == [first.number]

    submitted = api(token_a).get("/api/firm/claims", {"status": "submitted"}).json()
    assert [c["number"] for c in submitted["results"]] == [first.number]
    assert submitted["results"][0]["amount"] == "71.99"
    assert submitted["results"][0]["model_number"] == "MMA008"
    other_program = api(token_a).get("/api/firm/claims", {"program": "no-such-program"}).json()
    assert other_program["count"] == 0


def test_a_bad_filter_is_a_400_naming_the_parameter(program, token_a):
    response = api(token_a).get("/api/firm/claims", {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["detail"]


def test_a_firm_reads_a_claim_with_evidence_and_history(program, token_a):
    claim = file_claim(program)
    response = api(token_a).get(f"/api/firm/claims/{claim.number.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["owner_name"] == "Jordan Rivera"
    assert body["receipt_amount"] == "59.99"
    assert {e["kind"] for e in body["evidence"]} == {"receipt", "photo"}
    assert body["history"][0]["to_status"] == "submitted"


def test_approval_by_token_posts_the_ledger_once_and_names_the_token(program, token_a):
    claim = file_claim(program)
    response = decide(token_a, claim.number, action="approve")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] in {ClaimStatus.APPROVED, ClaimStatus.CREDITED}
    approval = next(e for e in body["history"] if e["to_status"] == "approved")
    assert approval["actor"] == "API token Claims system"
    again = decide(token_a, claim.number, action="approve")
    assert again.status_code == 409
    assert claim.number in again.json()["detail"]
    assert LedgerEntry.objects.filter(claim=claim, kind=EntryKind.STORE_CREDIT_DUE).count() == 1


def test_reject_needs_a_reason_and_request_info_a_message(program, token_a):
    claim = file_claim(program)
    no_reason = decide(token_a, claim.number, action="reject", reason="  ")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["detail"]
    asked = decide(
        token_a, claim.number, action="request_info", message="A photo of the serial label."
    )
    assert asked.status_code == 200
    assert asked.json()["status"] == "needs_info"
    assert asked.json()["owner_note"] == "A photo of the serial label."
    unknown = decide(token_a, claim.number, action="pay")
    assert unknown.status_code == 400


def test_payout_batches_are_listed_for_the_firm(program, token_a, belkin_admin):
    claim = file_claim(
        program,
        remedy="refund",
        payout_method="check",
        receipt_amount=Decimal("64.50"),
    )
    assert decide(token_a, claim.number, action="approve").status_code == 200
    (batch,) = payout_batch_create(program=program, actor=belkin_admin)
    response = api(token_a).get("/api/firm/payout-batches")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": batch.pk,
            "program": program.slug,
            "status": "open",
            "currency": "USD",
            "total": "64.50",
            "claim_count": 1,
            "created_at": response.json()[0]["created_at"],
            "confirmed_at": None,
        }
    ]


def test_another_firms_token_gets_404_on_every_endpoint(program, token_a, token_b, belkin_admin):
    claim = file_claim(program, remedy="refund", payout_method="check")
    assert decide(token_a, claim.number, action="approve").status_code == 200
    payout_batch_create(program=program, actor=belkin_admin)

    assert api(token_b).get(f"/api/firm/claims/{claim.number}").status_code == 404
    for action in ("approve", "reject", "request_info"):
        response = decide(token_b, claim.number, action=action, reason="x", message="x")
        assert response.status_code == 404, action
    assert api(token_b).get("/api/firm/claims").json()["count"] == 0
    assert api(token_b).get("/api/firm/claims", {"program": program.slug}).json()["count"] == 0
    assert api(token_b).get("/api/firm/payout-batches").json() == []
    assert api(token_b).get("/api/firm/payout-batches", {"program": program.slug}).json() == []
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_no_token_a_wrong_token_and_a_revoked_token_get_401(
    program, token_a, belkin_admin, settings
):
    claim = file_claim(program)
    revoked_plain = api_token_create(
        actor=belkin_admin, firm_account=program.firm_account, name="Old system"
    )
    api_token_revoke(actor=belkin_admin, token=revoked_plain[0])
    for token in (None, "rdk_not-a-token", token_a[:-2], revoked_plain[1]):
        assert api(token).get("/api/firm/claims").status_code == 401
        assert api(token).get(f"/api/firm/claims/{claim.number}").status_code == 401
        assert decide(token, claim.number, action="approve").status_code == 401
        assert api(token).get("/api/firm/payout-batches").status_code == 401
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_token_records_when_it_was_last_used(program, token_a):
    token = program.firm_account.api_tokens.get()
    assert token.last_used_at is None
    api(token_a).get("/api/firm/claims")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_firm_api_is_in_the_openapi_with_bearer_auth(db):
    schema = Client().get("/api/openapi.json").json()
    assert "/api/firm/claims/{number}/decision" in schema["paths"]
    assert "/api/firm/payout-batches" in schema["paths"]
    assert any(
        scheme.get("scheme") == "bearer"
        for scheme in schema["components"]["securitySchemes"].values()
    )


def test_a_store_credit_claim_in_cad_keeps_its_currency(program, token_a):
    claim = file_claim(program, country="CA", region="ON", postal_code="M5V 2T6", city="Toronto")
    body = api(token_a).get(f"/api/firm/claims/{claim.number}").json()
    assert (body["currency"], body["country"]) == ("CAD", "CA")


@pytest.mark.usefixtures("rate_limit_clock_held")
def test_a_token_over_its_requests_per_minute_is_told_to_wait(program, token_a, settings):
    settings.RATELIMIT_ENABLED = True
    settings.FIRM_API_REQUESTS_PER_MINUTE = 5
    cache.clear()
    try:
        answers = [api(token_a).get("/api/firm/claims").status_code for _ in range(5)]
        over = api(token_a).get("/api/firm/claims")
    finally:
        cache.clear()

    assert answers == [200] * 5
    assert over.status_code == 429
    assert "Please wait" in over.json()["detail"]
    assert int(over["Retry-After"]) > 0


def test_one_tokens_limit_does_not_slow_another_firms_token(program, token_a, token_b, settings):
    settings.RATELIMIT_ENABLED = True
    settings.FIRM_API_REQUESTS_PER_MINUTE = 2
    cache.clear()
    try:
        for _ in range(3):
            api(token_a).get("/api/firm/claims")
        other = api(token_b).get("/api/firm/claims")
    finally:
        cache.clear()

    assert other.status_code == 200


def test_a_client_sending_wrong_tokens_is_slowed_down(program, settings):
    settings.RATELIMIT_ENABLED = True
    settings.FIRM_API_WRONG_TOKENS_PER_10_MINUTES = 3
    cache.clear()
    try:
        answers = [api(f"rdk_wrong{n}").get("/api/firm/claims").status_code for n in range(3)]
        over = api("rdk_wrong-again").get("/api/firm/claims")
    finally:
        cache.clear()

    assert answers == [401] * 3
    assert over.status_code == 429
