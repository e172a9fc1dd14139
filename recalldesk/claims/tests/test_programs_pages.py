"""The firm's program pages through HTTP: set up a program, its products and prices, read claims."""

from decimal import Decimal

import pytest
from django.urls import reverse

from recalldesk.accounts.models import Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.models import AveragePrice, FraudSignal, Program
from recalldesk.claims.tests.programs_setup import FAST_HASHERS, claim_for, demo, program_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def belkin():
    return factories.belkin()


@pytest.fixture
def alice(belkin):
    return belkin.memberships.get(user__email="alice@belkin.example").user


def url(name, *args):
    return reverse(f"claims_staff:{name}", args=args)


PROGRAM_FORM = {
    "firm_account": "",
    "recall_number": "26090",
    "name": "",
    "opens_on": "2025-11-13",
    "closes_on": "",
    "receipt": "optional",
    "required_photos": "Front of the product\nBack of the product, showing the serial number",
    "destruction_proof": "none",
    "refund_offered": "on",
    "store_credit_offered": "on",
    "store_credit_bonus_percent": "20",
    "currency_us": "USD",
    "currency_ca": "CAD",
    "disposal_instructions": "Take it to a household hazardous waste center; call first.",
    "claims_per_contact_threshold": "3",
}


def test_alice_sets_up_a_program_in_the_web_pages(client, belkin, alice):
    client.force_login(alice)
    page = client.get(url("program_create"), {"recall": "26-090"})
    assert page.status_code == 200
    assert b'<label for="id_recall_number">Recall number</label>' in page.content
    assert b'value="26-090"' in page.content

    response = client.post(url("program_create"), {**PROGRAM_FORM, "firm_account": belkin.pk})
    program = Program.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("product_add", program.slug)
    assert program.name == program.recall.title[:200]
    assert program.store_credit_bonus_rate == Decimal("0.2")

    # The suggestions come from identification; choosing one fills in the form.
    page = client.get(url("product_add", program.slug))
    assert b"Use MMA008" in page.content and b"Use PB0003" in page.content
    page = client.get(url("product_add", program.slug), {"use": "MMA008"})
    assert b'value="57X"' in page.content and b'value="14"' in page.content

    response = client.post(
        url("product_add", program.slug),
        {
            "model_number": "MMA008",
            "name": "Auto-Tracking Stand Pro",
            "serial_rule_kind": "prefix",
            "serial_prefix": "57X",
            "serial_length": "14",
            "serial_help": "Printed on the bottom of the charging stand.",
        },
    )
    product = program.products.get()
    assert response["Location"] == url("prices_set", program.slug, product.pk)
    # A model already added is no longer suggested.
    assert b"Use MMA008" not in client.get(url("product_add", program.slug)).content

    response = client.post(
        url("prices_set", program.slug, product.pk),
        {"amount_usd": "149.99", "amount_cad": "199.99", "is_demo_value": "on"},
    )
    assert response.status_code == 302
    assert AveragePrice.objects.filter(product=product, is_demo_value=True).count() == 2

    page = client.get(url("program_detail", program.slug)).content.decode()
    for words in (
        "MMA008",
        "Auto-Tracking Stand Pro",
        "start with 57X and have 14 characters",
        "USD 149.99",
        "CAD 199.99",
        "demo value",
        "Back of the product, showing the serial number",
        "plus a 20% bonus",
        "Canada: CAD",
        "household hazardous waste",
        "November 13, 2025",
        "No closing date",
    ):
        assert words in page, words


def test_mistakes_in_the_forms_are_shown_beside_their_fields(client, belkin, alice):
    client.force_login(alice)
    response = client.post(
        url("program_create"),
        {**PROGRAM_FORM, "firm_account": belkin.pk, "recall_number": "99-999"},
    )
    assert response.status_code == 400
    assert b"There is no recall 99-999" in response.content
    assert b'aria-invalid="true"' in response.content

    response = client.post(
        url("program_create"),
        {**PROGRAM_FORM, "firm_account": belkin.pk, "recall_number": "25-338"},
    )
    assert response.status_code == 400
    assert b"does not name Belkin" in response.content
    assert not Program.objects.exists()

    program = program_for(belkin, alice, "26-090")
    response = client.post(
        url("product_add", program.slug),
        {"model_number": "MMA008", "name": "Stand", "serial_rule_kind": "prefix"},
    )
    assert response.status_code == 400
    assert b"Give the characters the serial numbers start with." in response.content
    assert not program.products.exists()


def test_alice_changes_the_terms(client, belkin, alice):
    program = program_for(belkin, alice, "26-090")
    client.force_login(alice)
    page = client.get(url("program_edit", program.slug))
    assert page.status_code == 200 and b"Front of the product" in page.content
    response = client.post(
        url("program_edit", program.slug),
        {**PROGRAM_FORM, "name": "Renamed", "closes_on": "2026-12-31", "receipt": "required"},
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "Renamed" and program.receipt_required
    assert program.closes_at is not None


def test_a_viewer_reads_the_program_but_cannot_change_it(client, belkin, alice):
    program = program_for(belkin, alice, "26-090")
    carol = factories.member(belkin, name="carol", domain="belkin.example", role=Role.VIEWER)
    client.force_login(carol)
    page = client.get(url("program_detail", program.slug))
    assert page.status_code == 200 and b"Change the program" not in page.content
    assert client.get(url("program_edit", program.slug)).status_code == 403
    assert client.post(url("program_edit", program.slug), PROGRAM_FORM).status_code == 403
    assert client.get(url("product_add", program.slug)).status_code == 403
    assert client.get(url("program_create")).status_code == 404


def test_a_regulator_reads_every_firms_programs_and_changes_none(client, belkin, alice):
    program = program_for(belkin, alice, "26-090")
    client.force_login(factories.regulator())
    assert program.name.encode() in client.get(url("program_list")).content
    page = client.get(url("program_detail", program.slug))
    assert page.status_code == 200 and b"read only" in page.content
    assert client.get(url("program_edit", program.slug)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, belkin, alice):
    program = program_for(belkin, alice, "26-090")
    response = client.get(url("program_detail", program.slug))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_claims_of_a_program_are_listed_and_shown_with_evidence_signals_and_history(
    client, tmp_path
):
    setup = demo(tmp_path)
    program = setup.program
    product = program.products.get(model_normalized="MMA008")
    claim = claim_for(program, product, serial="57X00000000001")
    other = claim_for(program, product, serial="57X00000000002", email="OWNER@example.com")
    FraudSignal.objects.create(
        claim=claim, code="same_email", reason="2 claims share this e-mail.", related_claim=other
    )
    reviewer_email, _, password = setup.credentials[1]
    assert client.login(username=reviewer_email, password=password)

    page = client.get(url("claim_list", program.slug)).content.decode()
    assert claim.number in page and other.number in page and "$71.99" in page

    page = client.get(url("claim_detail", claim.number)).content.decode()
    evidence = claim.evidence.get()
    for words in (
        "57X00000000001",
        "Pat Owner",
        "1 Main Street",
        "$59.99",
        "$71.99",
        "is included in this program",
        reverse("claims_evidence:file", args=[evidence.pk]),
        "Back of the product, showing the serial number",
        "2 claims share this e-mail.",
        url("claim_detail", other.number),
        "Submitted",
    ):
        assert words in page, words
