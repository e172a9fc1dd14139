"""Remedy amounts of the demo program for 26-090: refund and store credit, exact to the cent."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recalldesk.claims.models import AveragePrice
from recalldesk.claims.remedies import RemedyUnavailable, remedy_amounts
from recalldesk.claims.tests.programs_setup import FAST_HASHERS, demo
from recalldesk.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def program(tmp_path):
    return demo(tmp_path).program


def product(program, model):
    return program.products.get(model_normalized=model)


def amounts(program, model="MMA008", currency="USD", receipt=None):
    return remedy_amounts(
        program=program, product=product(program, model), currency=currency, receipt_amount=receipt
    )


def test_a_59_99_receipt_gives_a_refund_of_59_99_or_store_credit_of_71_99(program):
    result = amounts(program, receipt=Decimal("59.99"))
    assert result.refund == Money(Decimal("59.99"), "USD")
    assert result.store_credit == Money(Decimal("71.99"), "USD")
    assert str(result.store_credit) == "$71.99"


def test_without_a_receipt_the_refund_is_the_average_price_in_the_owners_currency(program):
    for currency in ("USD", "CAD"):
        price = AveragePrice.objects.get(product=product(program, "BPB002"), currency=currency)
        result = amounts(program, "BPB002", currency)
        assert result.refund == Money(price.amount, currency)
        expected = (price.amount * Decimal("1.2")).quantize(Decimal("0.01"))
        assert result.store_credit == Money(expected, currency)


def test_store_credit_rounds_half_a_cent_up(program):
    # 10.01 x 1.2 = 12.012 goes down; 0.02 x 1.25 = 0.025 and 0.06 x 1.25 = 0.075 go up.
    assert amounts(program, receipt=Decimal("10.01")).store_credit.amount == Decimal("12.01")
    program.store_credit_bonus_rate = Decimal("0.25")
    assert amounts(program, receipt=Decimal("0.02")).store_credit.amount == Decimal("0.03")
    assert amounts(program, receipt=Decimal("0.06")).store_credit.amount == Decimal("0.08")


def test_a_remedy_the_program_does_not_offer_has_no_amount(program):
    program.refund_offered = False
    assert amounts(program, receipt=Decimal("20")).refund is None
    program.refund_offered = True
    program.store_credit_bonus_rate = None
    result = amounts(program, receipt=Decimal("20"))
    assert result.store_credit is None
    assert result.refund == Money(Decimal("20.00"), "USD")


def test_no_receipt_and_no_average_price_asks_for_the_receipt(program):
    AveragePrice.objects.filter(product=product(program, "PB0003"), currency="CAD").delete()
    with pytest.raises(RemedyUnavailable, match="Add your receipt"):
        amounts(program, "PB0003", "CAD")


def test_a_currency_the_program_does_not_pay_in_is_refused(program):
    program.currencies = {"US": "USD"}
    with pytest.raises(RemedyUnavailable, match="pays in USD, not CAD"):
        amounts(program, currency="CAD", receipt=Decimal("10"))


@pytest.mark.parametrize("receipt", [Decimal("0"), Decimal("-5"), Decimal("0.004"), "abc", "NaN"])
def test_a_receipt_amount_of_zero_negative_or_not_a_number_is_refused(program, receipt):
    with pytest.raises(RemedyUnavailable, match="receipt"):
        amounts(program, receipt=receipt)


money_amounts = st.decimals(
    min_value=Decimal("0.005"), max_value=Decimal("99999.99"), allow_nan=False, places=3
)
bonus_rates = st.one_of(
    st.none(), st.decimals(min_value=0, max_value=Decimal("9.9999"), allow_nan=False, places=4)
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    receipt=st.one_of(st.none(), money_amounts),
    bonus=bonus_rates,
    refund_offered=st.booleans(),
    currency=st.sampled_from(["USD", "CAD"]),
    model=st.sampled_from(["MMA008", "BPB002", "PB0003"]),
)
def test_amounts_are_never_negative_have_two_places_and_credit_is_at_least_the_refund(
    program, receipt, bonus, refund_offered, currency, model
):
    program.store_credit_bonus_rate = bonus
    program.refund_offered = refund_offered
    result = amounts(program, model, currency, receipt)
    held = [m for m in (result.refund, result.store_credit) if m is not None]
    for money in held:
        assert isinstance(money.amount, Decimal)
        assert money.amount.as_tuple().exponent == -2
        assert money.amount > 0
        assert money.currency == currency
    assert (result.refund is None) == (not refund_offered)
    assert (result.store_credit is None) == (bonus is None)
    if result.refund is not None and result.store_credit is not None:
        assert result.store_credit.amount >= result.refund.amount
