"""Setting up a program through the services, and the demo program `make run` loads."""

import stat
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from recalldesk.accounts.errors import FirmNotFound, PermissionDenied
from recalldesk.accounts.models import FirmAccount, Membership, Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.models import AveragePrice, Program, ProgramProduct
from recalldesk.claims.programs import (
    ProgramInvalid,
    ProgramTerms,
    SerialRuleInput,
    average_price_set,
    program_create,
    program_product_add,
    program_products_suggest,
    program_update,
)
from recalldesk.claims.tests.programs_setup import FAST_HASHERS, program_for
from recalldesk.identify.models import SerialRule
from recalldesk.identify.services import serial_rule_suppress
from recalldesk.registry.models import Recall

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


@pytest.fixture
def program(belkin, alice):
    return program_for(belkin, alice, "26-090")


def terms(**changes) -> ProgramTerms:
    values = {"name": "Belkin recall", "opens_at": timezone.now(), "currencies": {"US": "USD"}}
    return ProgramTerms(**{**values, **changes})


def test_alice_starts_a_program_for_her_firms_recall(belkin, alice):
    recall = Recall.objects.get(number="26-090")
    program = program_create(
        actor=alice,
        firm_account=belkin,
        recall=recall,
        terms=terms(
            required_photos=(" Front of the product ", "", "Back, showing the serial"),
            store_credit_bonus_rate=Decimal("0.2"),
            currencies={"US": "USD", "CA": "CAD"},
        ),
    )
    program.refresh_from_db()
    assert program.slug == "belkin-26-090"
    assert program.recall == recall and program.firm_account == belkin
    assert program.required_photos == ["Front of the product", "Back, showing the serial"]
    assert program.store_credit_bonus_rate == Decimal("0.2000")
    assert program.currencies == {"US": "USD", "CA": "CAD"}


def test_a_firm_cannot_run_a_program_for_another_firms_recall(belkin):
    anker = factories.anker()
    dan = anker.memberships.get().user
    with pytest.raises(ProgramInvalid, match="does not name Anker"):
        program_create(
            actor=dan,
            firm_account=anker,
            recall=Recall.objects.get(number="26-090"),
            terms=terms(),
        )
    with pytest.raises(FirmNotFound):
        program_create(
            actor=dan,
            firm_account=belkin,
            recall=Recall.objects.get(number="26-090"),
            terms=terms(),
        )
    assert not Program.objects.exists()


def test_a_viewer_cannot_set_up_a_program(belkin):
    carol = factories.member(belkin, name="carol", domain="belkin.example", role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        program_create(
            actor=carol,
            firm_account=belkin,
            recall=Recall.objects.get(number="26-090"),
            terms=terms(),
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Give the program a name"),
        ({"closes_at": timezone.now() - timedelta(days=1)}, "must close after it opens"),
        ({"refund_offered": False}, "Offer at least one remedy"),
        ({"currencies": {}}, "at least one country"),
        ({"currencies": {"US": "EUR"}}, "Unknown currency 'EUR' for US"),
        ({"currencies": {"MX": "USD"}}, "Unknown country 'MX'"),
        ({"required_photos": ("Front", "front")}, "listed twice"),
        ({"store_credit_bonus_rate": Decimal("-0.1")}, "between 0% and 999.99%"),
        ({"store_credit_bonus_rate": Decimal("0.12345")}, "hundredths of a percent"),
        ({"destruction_proof": "video"}, "Unknown proof of destruction"),
        ({"claims_per_contact_threshold": 0}, "between 1 and 1000"),
    ],
)
def test_terms_that_cannot_work_are_refused_with_what_to_change(belkin, alice, changes, message):
    with pytest.raises(ProgramInvalid, match=message):
        program_create(
            actor=alice,
            firm_account=belkin,
            recall=Recall.objects.get(number="26-090"),
            terms=terms(**changes),
        )
    assert not Program.objects.exists()


def test_a_second_program_at_the_same_address_is_refused(belkin, alice, program):
    with pytest.raises(ProgramInvalid, match="already exists"):
        program_create(actor=alice, firm_account=belkin, recall=program.recall, terms=terms())


def test_program_update_changes_the_terms_not_the_recall(alice, program):
    closes = timezone.now() + timedelta(days=90)
    updated = program_update(
        actor=alice,
        program=program,
        terms=terms(name="New name", closes_at=closes, receipt_required=True),
    )
    program.refresh_from_db()
    assert updated.name == program.name == "New name"
    assert program.closes_at == closes and program.receipt_required
    assert program.recall.number == "26-090" and program.slug == "belkin-26-090"


def test_products_take_a_normalized_model_and_serial_rule(alice, program):
    product = program_product_add(
        actor=alice,
        program=program,
        model_number=" mma-008 ",
        name="Charging stand",
        rule=SerialRuleInput(kind="prefix", prefix="57x", length=14, range_start="ignored"),
    )
    assert (product.model_number, product.model_normalized) == ("mma-008", "MMA008")
    assert (product.serial_prefix, product.serial_length, product.serial_range_start) == (
        "57X",
        14,
        "",
    )
    with pytest.raises(ProgramInvalid, match="already in this program"):
        program_product_add(
            actor=alice,
            program=program,
            model_number="MMA 008",
            name="Again",
            rule=SerialRuleInput(),
        )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (SerialRuleInput(kind="prefix", prefix=" - "), "start with"),
        (SerialRuleInput(kind="prefix", prefix="57X", length=2), "between 3"),
        (SerialRuleInput(kind="range", range_start="200", range_end="100"), "start before it ends"),
        (SerialRuleInput(kind="range", range_start="AB1", range_end="C"), "cannot be compared"),
        (SerialRuleInput(kind="range", range_start="100"), "first and the last"),
        (SerialRuleInput(kind="lot"), "Unknown serial rule"),
    ],
)
def test_serial_rules_that_cannot_work_are_refused(alice, program, rule, message):
    with pytest.raises(ProgramInvalid, match=message):
        program_product_add(
            actor=alice, program=program, model_number="MMA008", name="Stand", rule=rule
        )
    assert not ProgramProduct.objects.exists()


def test_average_prices_are_positive_to_the_cent_in_a_currency_the_program_pays(alice, program):
    product = program_product_add(
        actor=alice,
        program=program,
        model_number="PB0003",
        name="Power bank",
        rule=SerialRuleInput(),
    )
    for amount, message in [
        (Decimal("0"), "more than zero"),
        (Decimal("-1"), "more than zero"),
        (Decimal("29.999"), "to the cent"),
        ("cheap", "must be an amount"),
    ]:
        with pytest.raises(ProgramInvalid, match=message):
            average_price_set(actor=alice, product=product, currency="USD", amount=amount)
    with pytest.raises(ProgramInvalid, match="Unknown currency"):
        average_price_set(actor=alice, product=product, currency="EUR", amount=Decimal("1"))
    program.currencies = {"US": "USD"}
    program.save()
    product.refresh_from_db()
    with pytest.raises(ProgramInvalid, match="add a country paid in CAD"):
        average_price_set(actor=alice, product=product, currency="CAD", amount=Decimal("39.99"))
    average_price_set(actor=alice, product=product, currency="USD", amount=Decimal("29.99"))
    price = average_price_set(
        actor=alice, product=product, currency="USD", amount=Decimal("31"), is_demo_value=True
    )
    assert AveragePrice.objects.get(product=product) == price
    assert (price.amount, price.is_demo_value) == (Decimal("31.00"), True)


def test_suggestions_come_from_the_identification_of_the_recall():
    recall = Recall.objects.get(number="26-090")
    rules = {
        r.identifier.normalized: r
        for r in SerialRule.objects.filter(recall=recall, suppressed=False)
    }
    suggestions = {s.model_number: s for s in program_products_suggest(recall=recall)}
    assert set(suggestions) == {"MMA008", "BPB002", "PB0003"}
    for model, suggestion in suggestions.items():
        assert suggestion.rule.kind == rules[model].kind
        assert suggestion.rule.prefix == rules[model].prefix
        assert suggestion.rule.length == rules[model].length
    assert suggestions["MMA008"].name == "Charging stand"
    assert "bottom of the charging stand" in suggestions["MMA008"].serial_help


def test_a_suppressed_serial_rule_is_not_suggested():
    recall = Recall.objects.get(number="26-090")
    rule = SerialRule.objects.get(recall=recall, identifier__normalized="MMA008")
    serial_rule_suppress(rule=rule)
    suggestion = next(
        s for s in program_products_suggest(recall=recall) if s.model_number == "MMA008"
    )
    assert suggestion.rule == SerialRuleInput(kind="all")


def run_demo(tmp_path) -> str:
    out = StringIO()
    call_command("load_demo_program", credentials_file=tmp_path / "demo.txt", stdout=out)
    return out.getvalue()


def test_the_demo_program_is_loaded_once_and_prints_the_same_credentials(tmp_path):
    first, second = run_demo(tmp_path), run_demo(tmp_path)
    assert first == second
    assert "/accounts/login/" in first
    firm = FirmAccount.objects.get(name="Belkin International Inc. (demo)")
    assert firm.registry_firm == factories.registry_firm("26-090")
    roles = dict(Membership.objects.filter(firm_account=firm).values_list("user__email", "role"))
    assert roles == {
        "demo-admin@belkin.example": "admin",
        "demo-reviewer@belkin.example": "reviewer",
    }
    credentials = tmp_path / "demo.txt"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    for line in credentials.read_text().splitlines()[1:]:
        email, password = line.split()
        assert f"{email}" in first and password in first
        member = Membership.objects.get(firm_account=firm, user__email=email).user
        assert member.check_password(password)
    program = Program.objects.get(firm_account=firm)
    assert Program.objects.count() == 1 and program.is_demo


def test_the_demo_program_has_the_terms_of_belkins_notice(tmp_path):
    run_demo(tmp_path)
    program = Program.objects.get(slug="belkin-26-090")
    assert program.recall.number == "26-090"
    assert timezone.localtime(program.opens_at).date().isoformat() == "2025-11-13"
    assert program.closes_at is None and not program.receipt_required
    assert program.required_photos == [
        "Front of the product",
        "Back of the product, showing the serial number",
    ]
    assert program.refund_offered and program.store_credit_bonus_rate == Decimal("0.2")
    assert program.currencies == {"US": "USD", "CA": "CAD"}
    for words in ("lithium-ion", "household hazardous waste", "Call it first", "household trash"):
        assert words in program.disposal_instructions
    rules = {
        p.model_normalized: (p.serial_rule_kind, p.serial_prefix, p.serial_length)
        for p in program.products.all()
    }
    assert rules == {
        "MMA008": ("prefix", "57X", 14),
        "BPB002": ("prefix", "35S", 14),
        "PB0003": ("all", "", None),
    }
    prices = AveragePrice.objects.filter(product__program=program)
    assert prices.count() == 6
    assert all(price.is_demo_value for price in prices)
    for price in prices.filter(currency="USD"):
        assert Decimal("29") <= price.amount <= Decimal("180")


def test_a_lost_credentials_file_gives_new_passwords_that_work(tmp_path):
    run_demo(tmp_path)
    old = (tmp_path / "demo.txt").read_text()
    (tmp_path / "demo.txt").unlink()
    run_demo(tmp_path)
    new = (tmp_path / "demo.txt").read_text()
    assert new != old
    email, password = new.splitlines()[1].split()
    assert Membership.objects.get(user__email=email).user.check_password(password)
