"""Model numbers, item numbers, SKUs and FCC IDs in one sentence of recall text."""

import re
from dataclasses import dataclass

from . import shapes
from .labels import SERIAL_CUE, TABLE_HEADER, follow, labels_in
from .tokens import PreparedSentence


@dataclass(frozen=True)
class FoundCode:
    index: int  # token index in the sentence
    kind: str  # model, item or fcc_id
    how: str  # why it was taken: labelled, quoted, shape, table, designation or parentheses
    value: str = ""  # as printed; may span two tokens ("CX 199-NG")


def find_codes(ps: PreparedSentence, claimed: set[int]) -> list[FoundCode]:
    """Codes of a sentence; tokens already claimed (UPCs, serial material) are left alone."""
    found: dict[int, FoundCode] = {}
    taken = set(claimed)
    labels = labels_in(ps)
    # Where model years are spoken of, a labelled 2022 is a year, not model 2022.
    labelled = _not_a_year if "year" in ps.masked.lower() else shapes.labelled_code
    for position, label in enumerate(labels):
        stop = labels[position + 1].start if position + 1 < len(labels) else None
        accept = _accept_other if label.kind == "other" else labelled
        for index in follow(ps, label.end, accept, stop=stop, skip=frozenset(taken)):
            taken.add(index)
            if label.kind != "other":
                found[index] = FoundCode(index, label.kind, "labelled")
    code_labels = {label.kind for label in labels} - {"other"}
    in_table = bool(TABLE_HEADER.search(ps.sentence))
    if in_table:
        code_labels.add("model")
    if SERIAL_CUE.search(ps.masked) and not code_labels:
        # A sentence about serial, lot or date codes: its other codes are not model numbers.
        return [_with_value(ps, f, found) for f in sorted(found.values(), key=lambda f: f.index)]
    unlabelled_kind = "item" if code_labels == {"item"} else "model"
    label_ends = {label.end for label in labels if label.kind != "other"}
    for index, token in enumerate(ps.tokens):
        if index in taken or _after_standard_body(ps, index):
            continue
        if _designation(ps, index, taken, bool(code_labels) or _right_after(ps, index, label_ends)):
            # "FE 350", "PM 4910-10": series letters and a number, written apart.
            taken.add(index + 1)
            value = f"{token.text} {ps.tokens[index + 1].text}"
            found[index] = FoundCode(index, unlabelled_kind, "designation", value)
            continue
        how = _unlabelled_reason(token.text, token.quoted, in_table)
        if not how and _DASHED_NUMBER.match(token.text) and _in_parentheses(ps, index):
            how = "parentheses"
        if how:
            found[index] = FoundCode(index, unlabelled_kind, how)
    return [_with_value(ps, f, found) for f in sorted(found.values(), key=lambda f: f.index)]


def _with_value(ps: PreparedSentence, code: FoundCode, found: dict[int, FoundCode]) -> FoundCode:
    """ "CX 199-NG": a short series name in capitals, a space, then a code starting with digits."""
    if code.value:
        return code
    token = ps.tokens[code.index]
    value = token.text
    joinable = code.how != "labelled" and value[:1].isdigit() and "-" in value
    if code.index > 0 and code.index - 1 not in found and joinable:
        previous = ps.tokens[code.index - 1]
        if (
            shapes.has_letter(value)
            and previous.text.isalpha()
            and previous.text.isupper()
            and 2 <= len(previous.text) <= 4
            and previous.text not in shapes.STANDARD_BODIES
            and ps.gap(code.index) == " "
        ):
            value = f"{previous.text} {value}"
    return FoundCode(code.index, code.kind, code.how, value)


_SERIES = re.compile(r"^[A-Z]{2,3}$")
_SERIES_NUMBER = re.compile(r"^\d{2,4}[A-Za-z]{0,2}$|^\d{2,4}-\d{1,4}$")
# Capitals before a number that are words, labels or units, not a series: "UL 2272", "PO 12".
_NOT_SERIES = frozenset(
    ["THE", "AND", "FOR", "WITH", "ARE", "WAS", "USA", "US", "ID", "NO", "UL", "RN", "CA", "PO"]
    + ["SKU", "UPC", "VIN", "LOT", "AC", "DC", "IN", "ON", "OF", "TO", "AT", "BY", "OR", "AN"]
    + ["AS", "IS", "IT", "UV", "LED", "USB", "HP", "MM", "CM", "OZ", "LB", "LBS", "FT", "QTY"]
    + ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    + ["TV", "CPSC", "FDA", "EPA", "DOT"]
)
_DASHED_NUMBER = re.compile(r"^\d{2,}-\d{3,}$")


def _designation(ps: PreparedSentence, index: int, taken: set[int], in_context: bool) -> bool:
    tokens = ps.tokens
    if not in_context or index + 1 >= len(tokens) or index + 1 in taken:
        return False
    series, number = tokens[index].text, tokens[index + 1].text
    after = ps.masked[tokens[index + 1].end : tokens[index + 1].end + 2]
    return (
        bool(_SERIES.match(series) and _SERIES_NUMBER.match(number))
        and series not in _NOT_SERIES
        and not shapes.is_quantity(f"1{series}")
        and not re.match(r",\d", after)
        and series not in shapes.STANDARD_BODIES
        and ps.gap(index + 1) == " "
        and not shapes.is_date_like(number)
        and not shapes.is_quantity(number)
    )


def _right_after(ps: PreparedSentence, index: int, label_ends: set[int]) -> bool:
    """The token follows a model label with only spaces, a colon or # between."""
    start = ps.tokens[index].start
    return any(
        0 <= start - end <= 3 and not ps.masked[end:start].strip(" :#") for end in label_ends
    )


def _in_parentheses(ps: PreparedSentence, index: int) -> bool:
    before = ps.masked[: ps.tokens[index].start]
    return before.rfind("(") > before.rfind(")")


def _not_a_year(word: str) -> bool:
    return shapes.labelled_code(word) and not shapes.is_date_like(word)


def _accept_other(word: str) -> bool:
    return shapes.has_digit(word) and not shapes.is_quantity(word)


def _unlabelled_reason(word: str, quoted: bool, in_table: bool) -> str:
    if shapes.looks_like_code(word):
        return "quoted" if quoted else "shape"
    if quoted and _quoted_code(word):
        return "quoted"
    if in_table and _table_number(word):
        return "table"
    return ""


def _quoted_code(word: str) -> bool:
    """“240-14-1380” in quotes is a code; “05/2024” and “5” are not."""
    return (
        shapes.has_digit(word)
        and ("-" in word or "." in word)
        and len(word) >= 4
        and not shapes.never_a_model(word)
        and not shapes.is_date_like(word)
        and not shapes.has_word_inside(word)
    )


def _table_number(word: str) -> bool:
    """A number in a model or SKU column: 00263, 970514501; not a year, price or UPC."""
    digits = word.replace("-", "")
    return (
        digits.isdigit()
        and 5 <= len(digits) <= 11
        and not shapes.is_date_like(word)
        and not shapes.never_a_model(word)
    )


def _after_standard_body(ps: PreparedSentence, index: int) -> bool:
    """ASTM F963, UL 2272, RN 150209: numbers of standards and registrations, not models."""
    if index == 0:
        return False
    previous = ps.tokens[index - 1].text.upper()
    return previous in shapes.STANDARD_BODIES and len(ps.gap(index).strip()) <= 1
