"""Eligibility: the model and serial an owner types, checked against the demo program for 26-090."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recalldesk.accounts.tests import factories
from recalldesk.claims.eligibility import (
    STATUSES,
    eligibility_check,
    serial_compare,
    serial_normalize,
)
from recalldesk.claims.program_terms import ProgramTerms, SerialRuleInput
from recalldesk.claims.programs import program_create, program_product_add
from recalldesk.claims.tests.programs_setup import FAST_HASHERS, demo
from recalldesk.registry.models import Recall

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def program(tmp_path):
    return demo(tmp_path).program


def check(program, model, serial=None):
    return eligibility_check(program=program, model_number=model, serial_number=serial)


def test_mma008_with_a_57x_serial_of_14_characters_is_eligible(program):
    result = check(program, "MMA008", "57X00000000001")
    assert result.status == "eligible"
    assert result.product.model_number == "MMA008"
    assert "57X00000000001" in result.message


def test_a_serial_with_another_prefix_is_not_eligible_and_the_message_names_the_rule(program):
    result = check(program, "MMA008", "58A12345678901")
    assert result.status == "not_eligible"
    assert result.message == (
        "Serial numbers of MMA008 in this recall start with 57X and have 14 characters; "
        "58A12345678901 does not."
    )


@pytest.mark.parametrize("serial", ["57X123", "57X000000000012", "57X"])
def test_a_serial_of_the_wrong_length_is_not_eligible(program, serial):
    result = check(program, "MMA008", serial)
    assert result.status == "not_eligible"
    assert "14 characters" in result.message
    assert f"has {len(serial)}" in result.message


@pytest.mark.parametrize("serial", [None, "", "ANY", "0", "35S00000000001"])
def test_every_serial_of_pb0003_is_eligible(program, serial):
    result = check(program, "PB0003", serial)
    assert result.status == "eligible"
    assert result.product.model_number == "PB0003"


@pytest.mark.parametrize("serial", [None, "", "  ", " - "])
def test_bpb002_without_a_serial_asks_for_it(program, serial):
    result = check(program, "BPB002", serial)
    assert result.status == "need_serial"
    assert result.product.model_number == "BPB002"
    assert "start with 35S and have 14 characters" in result.message
    assert "back of the power bank" in result.message


def test_a_serial_is_compared_in_upper_case_without_spaces_or_dashes(program):
    assert check(program, "bpb-002", "35s-0000 0000 001").status == "eligible"
    assert serial_normalize(" 57x-000\u00a0000 ") == "57X000000"


def test_a_serial_with_other_characters_is_refused_in_words(program):
    result = check(program, "MMA008", "57X0000000000!")
    assert result.status == "not_eligible"
    assert "only letters and digits" in result.message


def test_a_model_not_in_the_program_is_unknown_and_the_message_lists_the_program_models(
    program,
):
    result = check(program, "XYZ12345", "57X00000000001")
    assert result.status == "unknown_model"
    assert result.product is None and result.suggestion is None
    for model in ("MMA008", "BPB002", "PB0003"):
        assert model in result.message


def test_a_model_of_another_recall_is_named_with_that_recall(program):
    # A1263 is the Anker power bank of recall 25-338, found by the lookup engine.
    result = check(program, "A1263", "")
    assert result.status == "unknown_model"
    assert "25-338" in result.message


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("MMAO08", "MMA008"),  # letter O for zero
        ("mma-0o8", "MMA008"),
        ("MMA008BTBK", "MMA008"),  # a retailer's colour suffix
        ("MMA08", "MMA008"),  # a character left out
        ("BPB020", "BPB002"),  # two characters swapped
        ("P80003", "PB0003"),  # 8 for B
    ],
)
def test_a_near_model_number_is_possible_with_a_suggestion(program, typed, meant):
    result = check(program, typed, "57X00000000001")
    assert result.status == "possible"
    assert result.suggestion == meant
    assert result.product is None
    assert f"Did you mean {meant}" in result.message


def test_an_empty_model_number_asks_for_one(program):
    result = check(program, "  -- ", "57X00000000001")
    assert result.status == "unknown_model"
    assert "Enter the model number" in result.message


@pytest.fixture
def range_program(db):
    belkin = factories.belkin()
    alice = belkin.memberships.get().user
    program = program_create(
        actor=alice,
        firm_account=belkin,
        recall=Recall.objects.get(number="26-090"),
        terms=ProgramTerms(name="Range test", opens_at=timezone.now() - timedelta(days=1)),
    )
    for model, start, end in [("MMA008", "999", "1500"), ("BPB002", "AB0990", "AB1200")]:
        program_product_add(
            actor=alice,
            program=program,
            model_number=model,
            name="Test product",
            rule=SerialRuleInput(kind="range", range_start=start, range_end=end),
        )
    return program


@pytest.mark.parametrize(
    ("model", "serial", "status"),
    [
        ("MMA008", "999", "eligible"),
        ("MMA008", "1000", "eligible"),  # numerically inside, though "1000" < "999" as text
        ("MMA008", "1500", "eligible"),
        ("MMA008", "1501", "not_eligible"),
        ("MMA008", "998", "not_eligible"),
        ("MMA008", "ABC", "not_eligible"),
        ("BPB002", "AB0991", "eligible"),
        ("BPB002", "ab-1200", "eligible"),
        ("BPB002", "AB1201", "not_eligible"),
        ("BPB002", "AC1000", "not_eligible"),
    ],
)
def test_a_range_rule_compares_numbers_as_numbers(range_program, model, serial, status):
    result = check(range_program, model, serial)
    assert result.status == status
    if status == "not_eligible":
        assert "run from" in result.message


def test_serial_compare_orders_numbers_and_letters():
    assert serial_compare("999", "1000") == -1
    assert serial_compare("AB999", "AB1000") == -1
    assert serial_compare("57X", "57Y") == -1
    assert serial_compare("ABC", "ABCD") is None


codes = st.text(alphabet="0123456789ABXZ", max_size=8)


@given(codes, codes)
def test_serial_compare_is_antisymmetric(first, second):
    forward, backward = serial_compare(first, second), serial_compare(second, first)
    assert (forward is None) == (backward is None)
    if forward is not None:
        assert forward == -backward


@given(st.text(max_size=40))
def test_serial_normalize_is_idempotent(value):
    once = serial_normalize(value)
    assert serial_normalize(once) == once
    assert not any(ch.isspace() for ch in once)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(model=st.text(max_size=120), serial=st.one_of(st.none(), st.text(max_size=120)))
def test_no_input_makes_eligibility_crash(program, model, serial):
    result = check(program, model, serial)
    assert result.status in STATUSES
    assert result.message
    assert (result.product is not None) == (
        result.status in {"eligible", "not_eligible", "need_serial"}
    )
