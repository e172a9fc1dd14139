"""POST /api/claims keeps a program's terms in memory: an edit by staff is seen by the next claim.

Alice (Belkin's admin) runs a program for recall 26-090 through the program services; owners
file claims through the API between her edits. Each claim reads only the program's
terms_version; the database changes it on every write to the program, its products or their
average prices, whoever writes (here the services, and a direct update as a shell would do).
"""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recalldesk.accounts.tests import factories
from recalldesk.claims.models import AveragePrice, ProgramProduct
from recalldesk.claims.program_cache import program_cache_clear
from recalldesk.claims.programs import (
    ProgramTerms,
    SerialRuleInput,
    average_price_set,
    program_create,
    program_product_add,
    program_update,
)
from recalldesk.claims.tests.programs_setup import FAST_HASHERS
from recalldesk.registry.models import Recall

pytestmark = pytest.mark.django_db

URL = "/api/claims"
TERMS = ProgramTerms(
    name="Belkin charging stands (26-090)",
    opens_at=timezone.now() - timedelta(days=1),
    store_credit_bonus_rate=Decimal("0.20"),
    currencies={"US": "USD", "CA": "CAD"},
)


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    program_cache_clear()


@pytest.fixture
def belkin():
    return factories.belkin()


@pytest.fixture
def alice(belkin):
    return belkin.memberships.get(user__email="alice@belkin.example").user


@pytest.fixture
def program(belkin, alice):
    program = program_create(
        actor=alice,
        firm_account=belkin,
        recall=Recall.objects.get(number="26-090"),
        terms=TERMS,
        slug="belkin-stands",
    )
    stand = program_product_add(
        actor=alice,
        program=program,
        model_number="MMA008",
        name="Wireless charging stand",
        rule=SerialRuleInput(kind="prefix", prefix="57X", length=14),
    )
    average_price_set(actor=alice, product=stand, currency="USD", amount=Decimal("89.99"))
    return program


_serials = iter(range(1, 1000))


def file_claim(client, **changes):
    """An owner files store credit for a stand without a receipt; a new serial each time."""
    number = next(_serials)
    data = {
        "program": "belkin-stands",
        "model_number": "MMA008",
        "serial_number": f"57X{number:011d}",
        "country": "US",
        "remedy": "store_credit",
        "owner_name": f"Owner {number}",
        "email": f"owner{number}@example.org",
        "address_line1": f"{number} Main Street",
        "city": "El Segundo",
        "region": "CA",
        "postal_code": "90245",
        **changes,
    }
    return client.post(URL, data=data)


def program_rows_read(queries) -> bool:
    return any("claims_programproduct" in query["sql"] for query in queries.captured_queries)


def test_claims_read_the_program_once_until_it_changes(client, program, alice):
    first = file_claim(client)
    with CaptureQueriesContext(connection) as second_claim:
        second = file_claim(client)
    assert (first.status_code, second.status_code) == (201, 201)
    assert not program_rows_read(second_claim), "the products came from memory"

    average_price_set(
        actor=alice, product=program.products.get(), currency="USD", amount=Decimal("50.00")
    )
    with CaptureQueriesContext(connection) as after_edit:
        third = file_claim(client)

    assert program_rows_read(after_edit), "the program was read again"
    assert [answer.json()["amount"] for answer in (first, second, third)] == [
        "107.99",
        "107.99",
        "60.00",
    ]


def test_a_program_that_starts_asking_for_receipts_refuses_the_next_claim_without_one(
    client, program, alice
):
    assert file_claim(client).status_code == 201

    program_update(
        actor=alice, program=program, terms=dataclasses.replace(TERMS, receipt_required=True)
    )
    refused = file_claim(client)

    assert refused.status_code == 400
    assert refused.json()["field"] == "receipt"


def test_a_closed_program_takes_no_next_claim(client, program, alice):
    assert file_claim(client).status_code == 201

    program_update(
        actor=alice, program=program, terms=dataclasses.replace(TERMS, closes_at=timezone.now())
    )

    assert file_claim(client).status_code == 404


def test_a_model_added_to_the_program_is_eligible_for_the_next_claim(client, program, alice):
    assert file_claim(client, model_number="BPB002").json()["field"] == "model_number"

    bank = program_product_add(
        actor=alice,
        program=program,
        model_number="BPB002",
        name="Portable power bank",
        rule=SerialRuleInput(kind="prefix", prefix="57X", length=14),
    )
    average_price_set(actor=alice, product=bank, currency="USD", amount=Decimal("49.99"))

    filed = file_claim(client, model_number="BPB002")
    assert filed.status_code == 201, filed.content
    assert filed.json()["amount"] == "59.99"


def test_writes_outside_the_services_are_seen_too(client, program):
    assert file_claim(client).status_code == 201
    stand = ProgramProduct.objects.get(program=program)

    # As an operator's shell or a data fix would: no service, no save(), no signal.
    AveragePrice.objects.filter(product=stand).update(amount=Decimal("10.00"))
    assert file_claim(client).json()["amount"] == "12.00"

    ProgramProduct.objects.filter(pk=stand.pk).update(serial_prefix="99Z")
    refused = file_claim(client)
    assert (refused.status_code, refused.json()["field"]) == (400, "serial_number")

    AveragePrice.objects.filter(product=stand).delete()
    assert file_claim(client, serial_number="99Z00000000001").json()["field"] == "receipt"
