"""UPC-A (12 digits) and EAN-13 codes, kept only when their check digit is right."""

import re

# "UPC" in capitals also inside a flattened table header ("ModelDescriptionUPC Code").
UPC_CUE = re.compile(r"UPC|(?i:\b(?:upcs?|ean|gtin|bar\s?codes?)\b)")
# A model or item column right before the UPC column: "ModelUPC", "Model No.UPC".
CODE_BEFORE_UPC = re.compile(r"(?:Model|Item|SKU|Part|Style)\s?(?:No\.?|Numbers?|#)?\s?UPC")
# Digits grouped by single spaces or dashes, as printed on a box: 0-70257-52226-6.
_GROUPED = re.compile(r"(?<![\w-])\d(?:[ -]?\d){11,12}(?![\w-])")
_RUN = re.compile(r"\d+")


def check_digit_ok(digits: str) -> bool:
    """The GS1 check: UPC-A and EAN-13 weigh digits 3,1,3,... from the right of the body."""
    if len(digits) not in (12, 13) or not digits.isdigit():
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def upc_in(word: str, code_before_upc: bool = False) -> tuple[int, int] | None:
    """Where a valid 12- or 13-digit code sits in a word glued to its table neighbours.

    A longer run is a UPC glued to a neighbour cell; which side depends on the table: with a
    model column just before the UPC column the model comes first (1000199 + 850067300199),
    otherwise the next row's first cell follows (884920250697 + 25070).
    """
    for match in _RUN.finditer(word):
        run = match.group()
        if len(run) in (12, 13) and check_digit_ok(run):
            return match.start(), match.end()
        if len(run) <= 12:
            continue
        ends = [("suffix", 12), ("suffix", 13), ("prefix", 12), ("prefix", 13)]
        if not code_before_upc:
            ends = ends[2:] + ends[:2]
        for side, size in ends:
            if len(run) <= size:
                continue
            if side == "suffix" and len(run) - size >= 4 and check_digit_ok(run[-size:]):
                return match.end() - size, match.end()
            if side == "prefix" and check_digit_ok(run[:size]):
                return match.start(), match.start() + size
    return None


def grouped_upcs(text: str) -> list[tuple[str, str]]:
    """(as printed, digits) for UPCs written with spaces or dashes between digit groups."""
    found = []
    for match in _GROUPED.finditer(text):
        printed = match.group()
        digits = re.sub(r"\D", "", printed)
        if printed != digits:
            found.append((printed, digits))
    return found
