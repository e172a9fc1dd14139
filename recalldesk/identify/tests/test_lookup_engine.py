"""The lookup engine on the real CPSC recalls, with 26-090's identifiers entered by hand."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recalldesk.identify.engine import (
    NEED_SERIAL,
    NO_MATCH,
    NOT_AFFECTED,
    POSSIBLE,
    RECALLED,
    IdentifierRow,
    LookupInputError,
    RecallRow,
    SerialRuleRow,
    index_build,
    lookup,
)
from recalldesk.identify.engine.index import within_one_edit
from recalldesk.identify.tests.lookup_rows import (
    BELKIN,
    catalog_index,
    cpsc_csv_rows,
    recall_rows,
)


@pytest.fixture(scope="module")
def index():
    return catalog_index()


def _recall_id(number: str) -> int:
    return next(r.recall_id for r in recall_rows() if r.number == number)


def test_mma008_serial_inside_57x_rule_is_recalled(index):
    result = lookup(index, model="MMA008", serial="57X12345678901")
    assert result.best == RECALLED
    first = result.verdicts[0]
    assert (first.recall_number, first.model, first.match) == (BELKIN, "MMA008", "exact")
    assert "57X" in first.reason and first.recall_url.endswith(BELKIN)
    assert first.recall_title.startswith("Belkin Recalls Portable Power Banks")


def test_mma008_serial_outside_rule_is_not_affected_and_names_the_rule(index):
    result = lookup(index, model="MMA008", serial="58A12345678901")
    assert result.best == NOT_AFFECTED
    verdict = result.verdicts[0]
    assert verdict.rule == "serial numbers starting with 57X, 14 characters long"
    assert "57X" in verdict.reason and "58A12345678901" in verdict.reason


def test_serial_with_right_prefix_but_wrong_length_is_not_affected(index):
    assert lookup(index, model="MMA008", serial="57X123").best == NOT_AFFECTED


@pytest.mark.parametrize("typed", ["mma-008", "MMA 008", "mma.008", "Mma/008", " mma_008 "])
def test_case_spaces_dashes_dots_slashes_are_ignored(index, typed):
    result = lookup(index, model=typed, serial="57x-1234-5678-901")
    assert result.best == RECALLED
    assert result.verdicts[0].model == "MMA008"


def test_confusable_letter_is_possible_with_a_suggestion(index):
    result = lookup(index, model="MMAO08")
    assert result.best == POSSIBLE
    verdict = result.verdicts[0]
    assert (verdict.suggestion, verdict.match, verdict.recall_number) == (
        "MMA008",
        "confusable",
        BELKIN,
    )
    assert "Did you mean MMA008?" in verdict.reason
    assert verdict.if_confirmed == NEED_SERIAL


def test_several_confusables_at_once(index):
    verdict = lookup(index, model="P8OOO3", serial="anything").verdicts[0]
    assert (verdict.kind, verdict.suggestion) == (POSSIBLE, "PB0003")
    assert verdict.if_confirmed == RECALLED


@pytest.mark.parametrize("typed", ["MMA08", "MMA0008", "MMA018", "MAM008", "XMA008"])
def test_one_character_typo_is_possible(index, typed):
    verdict = lookup(index, model=typed).verdicts[0]
    assert (verdict.kind, verdict.suggestion, verdict.match) == (POSSIBLE, "MMA008", "typo")


def test_two_typos_are_no_match(index):
    assert lookup(index, model="MXA00X").best == NO_MATCH


def test_pb0003_with_any_serial_is_recalled(index):
    for serial in ("", "12345", "35S00000000000", "anything at all"):
        result = lookup(index, model="PB0003", serial=serial)
        assert result.best == RECALLED, serial
        assert result.verdicts[0].rule == "all serial numbers"


def test_bpb002_without_serial_needs_it_and_says_where_it_is(index):
    result = lookup(index, model="BPB002")
    assert result.best == NEED_SERIAL
    verdict = result.verdicts[0]
    assert verdict.where_printed == "on the back of the power bank"
    assert "35S" in verdict.reason and "back of the power bank" in verdict.reason


def test_retail_suffix_is_a_likely_match(index):
    for typed in ("BPB002BTBK", "bpb002-btbk"):
        verdict = lookup(index, model=typed).verdicts[0]
        assert (verdict.kind, verdict.match, verdict.suggestion) == (
            POSSIBLE,
            "retail_suffix",
            "BPB002",
        )
        assert "BTBK" in verdict.reason and verdict.if_confirmed == NEED_SERIAL


def test_retail_suffix_with_serial_says_what_it_would_be(index):
    verdict = lookup(index, model="BPB002BTBK", serial="35S12345678901").verdicts[0]
    assert verdict.if_confirmed == RECALLED


def test_a_digit_after_a_model_is_not_a_retail_suffix(index):
    verdict = lookup(index, model="BPB0021").verdicts[0]
    assert verdict.match != "retail_suffix"


def _has_word(recall: RecallRow, word: str) -> bool:
    text = " ".join((recall.title, recall.product_name, recall.description, *recall.firm_names))
    return re.search(rf"\b{word}s?\b", text, re.IGNORECASE) is not None


def test_art_never_matches_smart(index):
    smart_only = [r for r in recall_rows() if _has_word(r, "smart") and not _has_word(r, "art")]
    assert len(smart_only) >= 3
    result = lookup(index, q="art")
    numbers = [v.recall_number for v in result.verdicts]
    assert "25-197" in numbers and "24-106" in numbers  # Cra-Z-Art, Museum of Modern Art
    by_number = {r.number: r for r in recall_rows()}
    assert all(_has_word(by_number[n], "art") for n in numbers)
    assert not {r.number for r in smart_only} & set(numbers)


def test_smart_matches_no_model_that_merely_contains_art():
    extra = [IdentifierRow(90, _recall_id("25-408"), "model", "SMART-ART7", "SMARTART7")]
    index = catalog_index(identifiers=extra)
    for asked in ("art", "ART7", "smart"):
        result = lookup(index, model=asked)
        assert all(v.model != "SMART-ART7" for v in result.verdicts), asked
    assert lookup(index, model="art").best == NO_MATCH


def test_free_text_ranks_by_title_product_and_firm(index):
    power_banks = lookup(index, q="belkin power banks").verdicts
    assert {v.recall_number for v in power_banks[:2]} == {BELKIN, "25-061"}  # both Belkin's
    result = lookup(index, q="Belkin charging stand")
    assert result.verdicts[0].recall_number == BELKIN
    assert result.verdicts[0].match == "text"
    assert "MMA008" in result.verdicts[0].reason


def test_free_text_holding_a_model_number_checks_it(index):
    result = lookup(index, q="belkin mma-008", serial="57X12345678901")
    assert result.verdicts[0].kind == RECALLED
    assert result.verdicts[0].model == "MMA008"


def test_same_model_in_two_recalls_gives_two_verdicts_newest_first():
    other = _recall_id("25-061")
    dates = {BELKIN: "2025-11-13", "25-061": "2024-11-01"}
    rows = [r._replace(recall_date=dates.get(r.number, "")) for r in recall_rows()]
    index = index_build(
        recalls=rows,
        identifiers=[
            IdentifierRow(1, _recall_id(BELKIN), "model", "MMA008"),
            IdentifierRow(2, other, "model", "MMA-008", "MMA008"),
        ],
    )
    result = lookup(index, model="MMA008")
    assert [v.recall_number for v in result.verdicts] == [BELKIN, "25-061"]
    assert {v.kind for v in result.verdicts} == {RECALLED}


def test_upc_found_and_carries_its_products_serial_rules():
    recall = _recall_id(BELKIN)
    index = catalog_index(
        identifiers=[
            IdentifierRow(10, recall, "model", "ZZ1000", "ZZ1000", product_id=7),
            IdentifierRow(11, recall, "upc", "0 12345 67890 5", "012345678905", product_id=7),
        ],
        rules=[SerialRuleRow(10, recall, 10, "prefix", prefix="ZZ")],
    )
    assert lookup(index, upc="012345678905").best == NEED_SERIAL
    assert lookup(index, upc="0012345678905", serial="ZZ9").best == RECALLED  # as EAN-13
    assert lookup(index, upc="036000291452").best == NO_MATCH


def test_upc_published_by_the_agency_is_found():
    rows = [
        r._replace(upcs=("036000291452",)) if r.number == "25-061" else r for r in recall_rows()
    ]
    index = index_build(recalls=rows, identifiers=[])
    verdict = lookup(index, upc="036000-291452").verdicts[0]
    assert (verdict.kind, verdict.recall_number) == (RECALLED, "25-061")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "012345678906",
            "The UPC 012345678906 has a wrong check digit; check the 12 digits under the barcode",
        ),
        ("0123456789", "has 10 digits; a UPC has 12"),
        ("01234567890A", "should hold only digits"),
    ],
)
def test_bad_upc_says_what_to_fix(index, typed, message):
    with pytest.raises(LookupInputError, match=re.escape(message)) as raised:
        lookup(index, upc=typed)
    assert raised.value.field == "upc"


def test_nothing_to_look_up_is_an_input_error(index):
    with pytest.raises(LookupInputError, match="Enter a model number"):
        lookup(index, model="  ", q="")
    with pytest.raises(LookupInputError, match="add the model number"):
        lookup(index, serial="57X12345678901")
    with pytest.raises(LookupInputError, match="too long"):
        lookup(index, model="A" * 101)


def test_unknown_model_is_no_match_with_a_reason(index):
    result = lookup(index, model="QQ-99999-ZZ")
    assert result.best == NO_MATCH
    assert "QQ-99999-ZZ" in result.verdicts[0].reason
    assert result.verdicts[0].recall_number == ""


def test_empty_catalog_answers_no_match():
    index = index_build(recalls=[], identifiers=[])
    assert lookup(index, model="MMA008", q="power bank").best == NO_MATCH


def test_every_csv_recall_is_indexed_for_words(index):
    assert index.text.documents == len(cpsc_csv_rows()) >= 700


def _edits_at_most_one(a: str, b: str) -> bool:
    """Reference: optimal string alignment distance <= 1, by brute force."""
    if a == b:
        return True
    alphabet = set(a) | set(b) | {"#"}
    variants = {a[:i] + a[i + 1 :] for i in range(len(a))}
    variants |= {a[:i] + c + a[i + 1 :] for i in range(len(a)) for c in alphabet}
    variants |= {a[:i] + c + a[i:] for i in range(len(a) + 1) for c in alphabet}
    variants |= {a[:i] + a[i + 1] + a[i] + a[i + 2 :] for i in range(len(a) - 1)}
    return b in variants


codes = st.text(alphabet="AB01O8", min_size=0, max_size=8)


@settings(max_examples=300, deadline=None)
@given(codes, codes)
def test_within_one_edit_agrees_with_brute_force(a, b):
    assert within_one_edit(a, b) == (a != b and _edits_at_most_one(a, b))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="ABC0123", min_size=4, max_size=9), max_size=30), codes)
def test_typo_index_finds_every_code_one_edit_away(known, asked):
    rows = [IdentifierRow(i, 1, "model", code, code) for i, code in enumerate(known)]
    index = index_build(recalls=[RecallRow(1, "1-1", "A recall")], identifiers=rows)
    expected = {
        code
        for code in known
        if len(asked) >= 5 and code != asked and _edits_at_most_one(asked, code)
    }
    assert set(index.codes_one_edit(asked)) == expected
