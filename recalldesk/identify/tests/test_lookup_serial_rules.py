"""Serial rules in the lookup: numeric and lettered ranges, lot codes, date codes read every
way recalls print them. Real recalls from the CSV, their rules entered as their text says."""

from hypothesis import given, settings
from hypothesis import strategies as st

from recalldesk.identify.engine import (
    NEED_SERIAL,
    NOT_AFFECTED,
    POSSIBLE,
    RECALLED,
    IdentifierRow,
    RecallRow,
    SerialRuleRow,
    index_build,
    lookup,
)
from recalldesk.identify.tests.lookup_rows import catalog_index, cpsc_row, recall_rows


def _recall_id(number: str) -> int:
    return next(r.recall_id for r in recall_rows() if r.number == number)


def test_numeric_serial_range_compares_numbers_of_the_same_width():
    recall = _recall_id("26-021")  # E-Z-GO: serial numbers 5538278 through 5920722
    index = catalog_index(
        identifiers=[IdentifierRow(10, recall, "model", "RXV Freedom", "RXVFREEDOM")],
        rules=[SerialRuleRow(10, recall, 10, "range", range_start="5538278", range_end="5920722")],
    )
    for serial, expected in [
        ("5538278", RECALLED),
        ("5600000", RECALLED),
        ("5920722", RECALLED),
        ("5920723", NOT_AFFECTED),
        ("99", NOT_AFFECTED),
        ("05600000", NOT_AFFECTED),
        ("ABC", NOT_AFFECTED),
    ]:
        assert lookup(index, model="rxv freedom", serial=serial).best == expected, serial


def test_lettered_serial_range():
    recall = _recall_id("24-347")  # auto belays: TBSD00098 through TBSD01180
    index = catalog_index(
        identifiers=[IdentifierRow(10, recall, "model", "TRUBLUE", "TRUBLUE")],
        rules=[SerialRuleRow(10, recall, None, "range", range_start="TBSD00098",
                             range_end="TBSD01180")],
    )  # fmt: skip
    assert lookup(index, model="TRUBLUE", serial="tbsd00500").best == RECALLED
    assert lookup(index, model="TRUBLUE", serial="TBSD01181").best == NOT_AFFECTED
    assert lookup(index, model="TRUBLUE", serial="TBSE00500").best == NOT_AFFECTED


def test_lot_codes_apply_to_the_item_number_through_a_recall_wide_rule():
    recall = _recall_id("25-189")  # Woolite: SKU 62338-72724, lots S24364, S24365, S24366
    assert "S24365" in cpsc_row("25-189")["Description"]
    index = catalog_index(
        identifiers=[IdentifierRow(10, recall, "item", "62338-72724", "6233872724")],
        rules=[SerialRuleRow(10, recall, None, "lot", values=("S24364", "S24365", "S24366"))],
    )
    assert lookup(index, model="62338 72724", serial="s24365").best == RECALLED
    missing = lookup(index, model="62338-72724", serial="S24367").verdicts[0]
    assert missing.kind == NOT_AFFECTED
    assert "S24364, S24365, S24366" in missing.reason and "Lot or batch code" in missing.reason
    assert lookup(index, model="62338-72724").best == NEED_SERIAL


def test_date_code_range_reads_typed_dates():
    recall = _recall_id("26-096")  # Learning Tower LP01711, date codes YYYYMM 202409 to 202501
    index = catalog_index(
        identifiers=[IdentifierRow(10, recall, "model", "LP01711", "LP01711")],
        rules=[SerialRuleRow(10, recall, 10, "date_range", range_start="202409",
                             range_end="202501")],
    )  # fmt: skip
    for typed, expected in [
        ("202412", RECALLED),
        ("2024-12", RECALLED),
        ("2024-10-15", RECALLED),
        ("202501", RECALLED),
        ("202502", NOT_AFFECTED),
        ("202408", NOT_AFFECTED),
    ]:
        assert lookup(index, model="LP01711", serial=typed).best == expected, typed


def _dated(number: str, start: str, end: str):
    recall = _recall_id(number)
    return catalog_index(
        identifiers=[IdentifierRow(10, recall, "model", "DATED1", "DATED1")],
        rules=[SerialRuleRow(10, recall, 10, "date_range", range_start=start, range_end=end)],
    )


def test_date_codes_are_read_every_way_recalls_print_them():
    # 26-086: "date codes in MMDDYY format ranging from 030620 to 110823".
    mmddyy = _dated("26-086", "030620", "110823")
    assert lookup(mmddyy, model="DATED1", serial="050121").best == RECALLED
    assert lookup(mmddyy, model="DATED1", serial="120119").best == NOT_AFFECTED
    # Read as YYMMDD it is outside, as MMDDYY inside: the engine says it cannot tell.
    unsure = lookup(mmddyy, model="DATED1", serial="010122").verdicts[0]
    assert unsure.kind == POSSIBLE and "cannot tell" in unsure.reason
    # 26-046: "a date code between 0722 and 1223 ... in the format MMYY".
    mmyy = _dated("26-046", "0722", "1223")
    assert lookup(mmyy, model="DATED1", serial="0923").best == RECALLED
    assert lookup(mmyy, model="DATED1", serial="0621").best == NOT_AFFECTED
    assert lookup(mmyy, model="DATED1", serial="0123").best == POSSIBLE


def test_typed_dates_with_the_day_first_are_understood():
    # 24-731: "date codes from 15/08/2022 to 23/08/2023".
    index = _dated("24-731", "15/08/2022", "23/08/2023")
    assert lookup(index, model="DATED1", serial="20/09/2022").best == RECALLED
    assert lookup(index, model="DATED1", serial="2023-09-01").best == NOT_AFFECTED
    # January 9 is outside, September 1 inside: it depends on how the product prints it.
    assert lookup(index, model="DATED1", serial="01/09/2022").best == POSSIBLE


rule_text = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789", max_size=9),
    st.sampled_from(["0722", "1223", "030620", "110823", "15/08/2022", "2024-36", "57X"]),
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["all", "prefix", "range", "lot", "date_range", "unknown"]),
    first=rule_text,
    second=rule_text,
    length=st.one_of(st.none(), st.integers(0, 30)),
    serial=rule_text,
)
def test_any_rule_and_serial_give_a_verdict(kind, first, second, length, serial):
    rule = SerialRuleRow(1, 1, 1, kind, prefix=first, length=length, range_start=first,
                         range_end=second, values=(first, second))  # fmt: skip
    index = index_build(
        recalls=[RecallRow(1, "1-1", "A recall")],
        identifiers=[IdentifierRow(1, 1, "model", "AB1234")],
        rules=[rule],
    )
    verdict = lookup(index, model="AB1234", serial=serial).verdicts[0]
    assert verdict.kind in (RECALLED, NOT_AFFECTED, NEED_SERIAL, POSSIBLE)
    assert verdict.reason
