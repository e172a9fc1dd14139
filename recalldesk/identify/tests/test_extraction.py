"""Extraction of model numbers, UPCs and serial rules from recall text: cases and properties."""

import csv
import html

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from recalldesk.identify.extraction import check_digit_ok, extract
from recalldesk.identify.extraction.sentences import clean, split_sentences

CSV_PATH = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"


def _descriptions() -> dict[str, str]:
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return {r["Recall Number"]: html.unescape(r["Description"]) for r in csv.DictReader(handle)}


DESCRIPTIONS = _descriptions()


def models_of(text: str) -> set[str]:
    return {i.value for i in extract(text).identifiers if i.kind in ("model", "item", "fcc_id")}


def test_reference_recall_gives_three_models_and_their_serial_rules():
    extraction = extract(DESCRIPTIONS["26-090"])
    assert models_of(DESCRIPTIONS["26-090"]) == {"MMA008", "BPB002", "PB0003"}
    rules = {(r.model, r.kind, r.prefix, r.length) for r in extraction.serial_rules}
    assert rules == {
        ("MMA008", "prefix", "57X", 14),
        ("BPB002", "prefix", "35S", 14),
        ("PB0003", "all", "", None),
    }


def test_reference_recall_keeps_sentences_and_places():
    extraction = extract(DESCRIPTIONS["26-090"])
    stand = next(i for i in extraction.identifiers if i.value == "MMA008")
    assert stand.where_printed == "on the bottom of the charging stand"
    assert "model number MMA008" in stand.sentence
    prefix = next(r for r in extraction.serial_rules if r.prefix == "57X")
    assert prefix.sentence.startswith("Serial numbers (14 digits) starting with")
    assert prefix.where_printed == "on the bottom of the charging stand"


def test_a_list_after_a_label_is_read_whole():
    text = "Model numbers OP300, OP301, OP301A and OP302 are included in this recall."
    assert models_of(text) == {"OP300", "OP301", "OP301A", "OP302"}


def test_labelled_codes_without_digits_count_in_a_list():
    assert models_of(DESCRIPTIONS["26-109"]) >= {"BC-CBJ", "LDFS-SSK", "BC-CBJ-X", "04-BC-LDFS"}


def test_labels_of_every_kind():
    text = (
        "The heater, Mo. Number: HON-302HE, has item number 2201475 and FCC ID 2AB7X-HT100. "
        "The shirt, style 0007-66, is SKU PRPLXX00860."
    )
    extraction = extract(text)
    kinds = {i.value: i.kind for i in extraction.identifiers}
    assert kinds == {
        "HON-302HE": "model",
        "2201475": "item",
        "2AB7X-HT100": "fcc_id",
        "0007-66": "item",
        "PRPLXX00860": "item",
    }


def test_flattened_table_with_upcs_is_cut_into_models_and_upcs():
    extraction = extract(DESCRIPTIONS["26-163"])
    models = extraction.values("model")
    upcs = extraction.values("upc")
    assert len(models) == 15 and all(m.startswith("NB19") and len(m) == 7 for m in models)
    assert len(upcs) == 15 and all(check_digit_ok(u) for u in upcs)


def test_model_glued_in_front_of_its_upc_is_cut_by_the_check_digit():
    extraction = extract(DESCRIPTIONS["26-128"])
    assert {"1000199", "1000243", "1000205", "1000250"} <= extraction.values("model")
    assert extraction.values("upc") == {"850067300199", "850067300205", "850067300250"}


def test_upc_printed_with_dashes_is_read_and_a_wrong_one_is_set_aside():
    assert extract(DESCRIPTIONS["26-006"]).values("upc") == {"070257522266"}
    extraction = extract("The lights were sold in a 12-pack container with UPC 9787014483.")
    assert extraction.values("upc") == set()
    assert extraction.rejected_upcs == ["9787014483"]
    assert models_of("The lights were sold with UPC 9787014483.") == set()


def test_upc_with_a_wrong_check_digit_is_dropped():
    extraction = extract("Only jars with UPC code 860006498116 are included in the recall.")
    assert extraction.values("upc") == set()
    assert extraction.rejected_upcs == ["860006498116"]


@pytest.mark.parametrize(
    "text",
    [
        "The dressers measure 48-In by 15-Ft and hold a 6.5-quart bin of 10,000mAh.",
        "Call 800-555-1234 from 8 a.m. to 5 p.m. ET Monday to Friday, or visit www.example.com.",
        "The toy meets ASTM F963-17 and 16 CFR 1250; sold for $29.99 from June 2023 to May 2024.",
        "Recall 26-090 was announced on 11/13/2025. The 2-in-1 helmet fits sizes 4XL and 12M.",
        "The box reads “CAUTION” and “MADE IN CHINA”, with a CR2032 battery and an AR-15 logo.",
        "The fabric carries RN 150209 and the label reads 5% minoxidil.",
    ],
)
def test_things_that_look_like_codes_are_not_model_numbers(text):
    assert models_of(text) == set()


def test_serial_range_with_through():
    extraction = extract("Heaters with serial numbers 1505000 through 1710999 are included.")
    assert [(r.kind, r.range_start, r.range_end) for r in extraction.serial_rules] == [
        ("range", "1505000", "1710999")
    ]


def test_lot_codes_and_date_code_ranges():
    lot = extract(DESCRIPTIONS["26-151"]).serial_rules
    assert [(r.kind, r.model, r.values) for r in lot] == [
        ("lot", "SW80356", ("712A0329BE", "712A0421BE"))
    ]
    dated = extract(DESCRIPTIONS["26-096"]).serial_rules
    assert [(r.kind, r.model, r.range_start, r.range_end) for r in dated] == [
        ("date_range", "LP01711", "202409", "202501")
    ]


def test_manufacture_dates_in_words_become_a_date_range():
    text = "Only earmuffs manufactured from March 2020 through September 2022 are included."
    assert [(r.kind, r.range_start, r.range_end) for r in extract(text).serial_rules] == [
        ("date_range", "2020-03", "2022-09")
    ]


def test_serial_table_rows_give_ranges_for_each_model():
    rules = extract(DESCRIPTIONS["25-416"]).serial_rules
    assert {(r.model, r.range_start, r.range_end) for r in rules} == {
        ("R09894", "CS21146D220001", "CS24165N220001"),
        ("R09895", "CS21275D220001", "CS24165N220001"),
    }


def test_sentences_split_at_glued_ends_but_not_inside_codes():
    text = "Model No. SH.20.006B02 is on the gate.Note: visit www.PoolSafely.gov now."
    assert split_sentences(text) == [
        "Model No. SH.20.006B02 is on the gate.",
        "Note: visit www.PoolSafely.gov now.",
    ]


def test_every_recall_in_the_csv_extracts_without_error():
    for number, text in DESCRIPTIONS.items():
        extraction = extract(text)
        text = clean(text)  # sentences are kept as read: entities decoded, spaces collapsed
        for identifier in extraction.identifiers:
            assert identifier.normalized and len(identifier.normalized) <= 100, number
            assert identifier.sentence in text, number
        for rule in extraction.serial_rules:
            assert rule.sentence in text, number


# UPC-A and EAN-13 check digits, independent of the extractor's own function.
def _check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


@given(st.text(alphabet="0123456789", min_size=11, max_size=12))
def test_a_code_with_its_right_check_digit_passes(body):
    assert check_digit_ok(body + _check_digit(body))


@given(st.text(alphabet="0123456789", min_size=11, max_size=12), st.integers(1, 9))
def test_a_code_with_a_wrong_check_digit_fails(body, shift):
    wrong = str((int(_check_digit(body)) + shift) % 10)
    assert not check_digit_ok(body + wrong)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_a_valid_upc_in_a_sentence_is_found(body):
    upc = body + _check_digit(body)
    assert extract(f"The UPC {upc} is printed on the box.").values("upc") == {upc}


_CODEY = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789-./_ ,;:()“”\"'$#*%&\n", max_size=80)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), _CODEY, st.lists(_CODEY, max_size=8).map(" model ".join)))
def test_no_text_makes_extraction_fail(text):
    extraction = extract(text)
    for identifier in extraction.identifiers:
        assert identifier.kind in {"model", "upc", "item", "fcc_id"}
        assert 0 < len(identifier.normalized) <= 100
        assert len(identifier.value) <= 100
        assert len(identifier.where_printed) <= 300
    for rule in extraction.serial_rules:
        assert rule.kind in {"all", "prefix", "range", "lot", "date_range"}
        assert len(rule.prefix) <= 50 and len(rule.range_start) <= 50 and len(rule.range_end) <= 50


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(DESCRIPTIONS)),
    st.integers(0, 5000),
    st.text(max_size=30),
)
def test_damaged_real_descriptions_never_fail(number, position, insert):
    text = DESCRIPTIONS[number]
    extract(text[:position] + insert + text[position:])
