"""Reading receipt amounts as people write them, and claim numbers as people type them."""

import string
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recalldesk.claims.numbers import (
    ALPHABET,
    claim_number_is_valid,
    claim_number_new,
    claim_number_normalize,
    status_token_hash,
    status_token_new,
)
from recalldesk.claims.submission import ClaimRejected, amount_parse

HINT = "Enter the amount on your receipt as a number, e.g. 59.99."


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("59.99", "59.99"),
        ("$59.99", "59.99"),
        (" US$ 59.99 ", "59.99"),
        ("59", "59.00"),
        ("59.9", "59.90"),
        ("1,234.56", "1234.56"),
        ("1,234", "1234.00"),
        # French Canadian: decimal comma, spaces between thousands, the sign after.
        ("59,99 $", "59.99"),
        ("1 234,56 $", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("CA$12.50", "12.50"),
        ("12.50 CAD", "12.50"),
        (".99", "0.99"),
    ],
)
def test_amounts_as_receipts_write_them(text, amount):
    assert amount_parse(text) == Decimal(amount)


@pytest.mark.parametrize("text", [None, "", "   "])
def test_an_empty_amount_is_no_amount(text):
    assert amount_parse(text) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("-5", "more than zero"),
        ("-59.99", "more than zero"),
        ("$-5", "more than zero"),
        ("(5.00)", "more than zero"),
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("59.999", "two digits after the decimal point"),
        ("0.001", "two digits after the decimal point"),
        # 1.234 to an American, 1234 to a Quebecer: asked, not guessed.
        ("1.234", "two digits after the decimal point"),
        ("NaN", HINT),
        ("Infinity", HINT),
        ("-Infinity", "more than zero"),
        ("1e5", HINT),
        ("fifty", HINT),
        ("59.99.99", HINT),
        ("1,234,56", HINT),
        ("12 34", HINT),
        ("100000000", "too large"),
        # More digits than a Decimal holds with two decimals: refused, not a server error.
        ("1" + "0" * 26, "too large"),
        ("9" * 40, "too large"),
        ("9" * 100, HINT),
    ],
)
def test_amounts_that_are_refused_say_how_to_write_one(text, words):
    with pytest.raises(ClaimRejected) as caught:
        amount_parse(text)
    assert words in caught.value.message
    assert caught.value.message.endswith(HINT)
    assert caught.value.field == "receipt_amount"


@given(st.text(max_size=60))
def test_no_text_breaks_the_amount_reader(text):
    try:
        amount = amount_parse(text)
    except ClaimRejected as error:
        assert error.message.endswith(HINT)
    else:
        assert amount is None or (amount > 0 and amount == amount.quantize(Decimal("0.01")))


@given(st.text(alphabet=string.digits + ".,$ -", max_size=20))
def test_no_mix_of_digits_and_separators_breaks_it(text):
    try:
        amount = amount_parse(text)
    except ClaimRejected:
        return
    assert amount is None or amount > 0


cents = st.integers(min_value=1, max_value=9_999_999_999).map(lambda n: Decimal(n) / 100)


@given(cents)
def test_an_amount_written_any_usual_way_reads_back_the_same(amount):
    english = f"{amount:,.2f}"
    french = english.replace(",", " ").replace(".", ",")
    assert amount_parse(f"{amount:.2f}") == amount
    assert amount_parse(f"${english}") == amount
    assert amount_parse(f"{french} $") == amount


def test_claim_numbers_use_unambiguous_characters_in_two_groups():
    numbers = {claim_number_new() for _ in range(2000)}

    assert len(numbers) == 2000
    for number in numbers:
        assert claim_number_is_valid(number)
        assert number[:3] == "RD-" and number[7] == "-" and len(number) == 12
        assert not set(number[3:].replace("-", "")) & set("ILOU")
    assert set("".join(n[3:].replace("-", "") for n in numbers)) == set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("RD-7K4M-Q2XP", "RD-7K4M-Q2XP"),
        ("rd 7k4m q2xp", "RD-7K4M-Q2XP"),
        ("7K4MQ2XP", "RD-7K4M-Q2XP"),
        # What people type for the letters that are never used.
        ("RD-7K4M-Q2XO", "RD-7K4M-Q2X0"),
        ("rd-ik4m-q2xl", "RD-1K4M-Q2X1"),
        ("RD-7K4M-Q2X", None),
        ("RD-7K4M-Q2XU", None),
        ("", None),
    ],
)
def test_claim_numbers_as_people_type_them(typed, number):
    assert claim_number_normalize(typed) == number


@given(st.text(max_size=50))
def test_no_text_breaks_the_claim_number_reader(text):
    number = claim_number_normalize(text)
    assert number is None or claim_number_is_valid(number)


def test_status_tokens_are_long_random_and_stored_as_sha256():
    tokens = {status_token_new() for _ in range(100)}

    assert len(tokens) == 100
    assert all(len(token) >= 43 for token in tokens)
    token = tokens.pop()
    assert len(status_token_hash(token)) == 64
    assert status_token_hash(token) != status_token_hash(token + "x")
