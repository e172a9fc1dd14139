"""Labels that announce codes ("model numbers", "SKU", "lot number") and the lists after them."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .tokens import BARRIER, PreparedSentence

_NUMBER_WORDS = r"(?:\s*(?:no\.?|nos\.?|numbers?|#|codes?))?"
# (?-i:(?![a-z])) stops "model" inside "modeled" but not inside "ModelDescription" (a table header).
_END = r"(?-i:(?![a-z]))"
# A label may also start where a flattened table glued it to the previous cell: "NumbersModel".
_START = r"(?:\b|(?-i:(?<=[a-z])(?=[A-Z])))"
MODEL_LABEL = re.compile(
    _START + r"(?:product\s+)?(?:models?" + _END + r"|mo\.)"
    r"(?!\s+(?:years?|names?(?!\s*/)|information|line)" + _END + ")"
    r"(?:\s*(?:no\.?|nos\.?|numbers?" + _END + r"|#|name\s*/\s*numbers?))?",
    re.IGNORECASE,
)
ITEM_LABEL = re.compile(
    _START
    + r"(?:(?:item|sku|style)s?"
    + _END
    + _NUMBER_WORDS
    + r"|(?:part|product|order|catalog(?:ue)?|article|"
    r"reference|stock)\s*(?:no\.?|nos\.?|numbers?|#|codes?)|asins?)\b#?",
    re.IGNORECASE,
)
FCC_LABEL = re.compile(r"\bFCC\s*(?:ID|identifier)s?(?:\s*(?:no\.?|numbers?|#))?", re.IGNORECASE)
# Labels whose codes are not model numbers; serial material is read by serials.py.
OTHER_LABEL = re.compile(
    _START
    + r"(?:serial|lot|batch|date|production|manufactur(?:e|ing)|VIN|P\.?O\.?|RN|registration|"
    r"patent|tracking|phone|SN|factory)\s*(?:no\.?|nos\.?|numbers?|#|codes?|ids?)s?\b#?"
    r"|\b(?:lots?|batch|VINs?|RN|factory)\b",
    re.IGNORECASE,
)
SERIAL_CUE = re.compile(
    r"(?i:\bserial|\blots?\b|\bbatch|\bdate\s*codes?|\bVINs?\b|\bP\.?O\.?\s*numbers?|"
    r"\bproduction\s+(?:dates?|codes?)|\bmanufactur\w*\s+(?:from|between|on|before|after|prior|in)\b|"
    r"\bmanufactur\w*\s+dates?|\bdates?\s+of\s+manufacture)"
    # Column names glued into a flattened table header: "NameSerial Number", "ColorDate Codes".
    r"|Serial|Lot\s?(?:Numbers?|Codes?)|Batch|Date\s?Codes?"
)
# Two column names glued together mark a flattened table: "ModelDescriptionUPC", "Model #SKU #".
TABLE_HEADER = re.compile(
    r"(?:Model|Item|SKU|Style|Part|Product)\s?(?:No\.?|Numbers?|#|Codes?|Names?)?\s?"
    r"(?:Description|UPC|Names?|Colou?rs?|Sizes?|Model|Item|SKU|Serial|Battery|Product|Lid|Price|"
    r"Type|Recalled)"
    r"|(?:Description|Name|Colou?rs?|Sets?|Type)\s?(?:Model|Item|SKU|Style|Part)"
)
_FILLER = re.compile(
    r"^[\s:#.,“”\"(\-–]*(?:(?:is|are|was|were|includes?|included|including|(?:of\s+)?either|reads?|"
    r"as follows|such as|namely|the following|listed below|below|\(?[YMDW/]{2,10}\)?)\b"
    r"[\s:#,“”\"()\-–]*)*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^[\s,;/&“”\"\-–*]*(?:(?:and/or|and|or|as well as|plus)\b[\s,;/&“”\"\-–]*)?$", re.IGNORECASE
)
_REMARK = re.compile(r"\s*\([^()]{1,60}\)")
_BRAND_DASH = re.compile(r"^\s*[-–]\s*$")
_UNIT_AFTER = re.compile(
    r"^\s*(?:inch|inches|in\.|ft|feet|foot|mm|cm|oz|ounces?|pounds?|lbs?|percent|%|years?|"
    r"months?|pieces?|count|gallons?|quarts?|watts?|volts?|digits?|characters?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Label:
    kind: str  # model, item, fcc_id or other
    start: int
    end: int


def labels_in(ps: PreparedSentence) -> list[Label]:
    """Every label in the sentence, earliest first; a longer label wins over one inside it."""
    found: list[Label] = []
    for kind, pattern in (
        ("fcc_id", FCC_LABEL),
        ("other", OTHER_LABEL),
        ("item", ITEM_LABEL),
        ("model", MODEL_LABEL),
    ):
        for match in pattern.finditer(ps.masked):
            if not any(match.start() < f.end and f.start < match.end() for f in found):
                found.append(Label(kind, match.start(), match.end()))
    return sorted(found, key=lambda label: label.start)


_FILLER_WORDS = frozenset(
    ["is", "are", "was", "were", "include", "includes", "included", "including", "of", "either"]
    + ["read", "reads", "as", "follows", "such", "namely", "the", "following", "listed", "below"]
)
# A date format named before a list of codes: "date codes (YYWW): 2318, 2319".
_FORMAT = re.compile(r"^[YMDW/]{2,10}$")
_SEPARATOR_WORDS = frozenset(["and", "or", "and/or", "as", "well", "plus"])


def follow(
    ps: PreparedSentence,
    start: int,
    accept: Callable[[str], bool],
    *,
    stop: int | None = None,
    skip: frozenset[int] = frozenset(),
) -> list[int]:
    """Indexes of the tokens listed after a label: "models OP300, OP301 and OP301A"."""
    tokens = ps.tokens
    first = next((i for i, t in enumerate(tokens) if t.start >= start), None)
    index = _past_words(ps, first, _FILLER_WORDS)
    if index is None or not _FILLER.match(ps.masked[start : tokens[index].start]):
        return []
    # "model number EVAS – M0859": a brand in capitals before a dash is not the code.
    if (
        index + 1 < len(tokens)
        and tokens[index].text.isalpha()
        and tokens[index].text.isupper()
        and _BRAND_DASH.match(ps.gap(index + 1))
    ):
        index += 1
    listed: list[int] = []
    while index is not None and index < len(tokens):
        token = tokens[index]
        if (stop is not None and token.start >= stop) or index in skip:
            break
        if not accept(token.text):
            # "SG5 Boost, SG-5S": one word finishing an item does not end the list.
            after = _next_item(ps, index)
            if (
                not listed
                or after is None
                or not token.text.isalpha()
                or not accept(tokens[after].text)
            ):
                break
            index = after
            continue
        if token.text.isdigit() and _UNIT_AFTER.match(ps.masked[token.end : token.end + 12]):
            break
        listed.append(index)
        following = _next_item(ps, index)
        if following is None:
            break
        index = following
    return listed


def _next_item(ps: PreparedSentence, index: int) -> int | None:
    """The token that continues a list after token index, or None when the list ends there."""
    tokens = ps.tokens
    end = tokens[index].end
    # "19851 (also called Multi Auto), 19859": a remark in brackets inside a list.
    remark = _REMARK.match(ps.masked, end)
    if remark:
        end = remark.end()
    following = _past_words(
        ps,
        next((i for i in range(index + 1, len(tokens)) if tokens[i].start >= end), None),
        _SEPARATOR_WORDS,
    )
    if following is None:
        return None
    gap = ps.masked[end : tokens[following].start]
    if BARRIER in gap or len(gap) > 16 or not _SEPARATOR.match(gap):
        return None
    return following


def _past_words(ps: PreparedSentence, index: int | None, words: frozenset[str]) -> int | None:
    """The first token from index on that is not one of the given small words."""
    while index is not None and index < len(ps.tokens):
        text = ps.tokens[index].text
        if text.lower() not in words and not (words is _FILLER_WORDS and _FORMAT.match(text)):
            return index
        index += 1
    return None
