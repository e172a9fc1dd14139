"""Serial rules in one sentence: all serials, a prefix and length, a range, lot or date codes."""

import re
from dataclasses import dataclass, field

from . import shapes
from .labels import SERIAL_CUE, follow, labels_in
from .tokens import PreparedSentence, Token

_ALL = re.compile(
    r"(?<!not )\ball\s+(?:the\s+)?(?:serial\s*(?:numbers?|nos?\.?)|serials|"
    r"lot\s*(?:numbers?|codes?)|lots|batch(?:es|\s*(?:numbers?|codes?))|date\s*codes|production\s+dates|manufactur\w*\s+dates)\b"
    r"|\bregardless\s+of\s+(?:the\s+)?(?:serial|lot|batch|date)|\b(?:any|every)\s+serial\s+numbers?\b",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"\b(?:serial|lot|batch)\s*(?:numbers?|nos?\.?|#|codes?)?\s*"
    r"(?:\(\s*(?P<length>\d{1,2})[\s-]*(?:digits?|characters?)\s*\)\s*)?"
    r"(?:[^.;“”]{0,120}?\s)?(?:(?:start|begin)s?|starting|beginning)\s+with\b"
    r"\s*(?:the\s+)?(?:(?:letters?|numbers?|digits?|characters?|prefix(?:es)?)\s*(?:and\s+)?){0,2}"
    r"[,:]?\s*(?:an?\s+)?",
    re.IGNORECASE,
)
_LENGTH = re.compile(r"\b(\d{1,2})[\s-](?:digit|character)s?\b", re.IGNORECASE)
_LOT_LABEL = re.compile(
    r"\b(?:serial|lot|batch|date|production)\s*(?:numbers?|nos?\.?|#|codes?)\b#?"
    r"|\b(?:lot|batch)\b(?=\s*[:#])",
    re.IGNORECASE,
)
_TABLE_LOT = re.compile(r"(?:Date|Lot|Batch)\s?(?:Codes?|Numbers?)")
# A table with start and end columns for serial numbers: "Serial Number Start", "MinMax".
_RANGE_TABLE = re.compile(
    r"(?i:serial\s*(?:numbers?|no\.?)?\s*(?:ranges?|start|end|begin|from))|Min\s?Max|\bMin\b|\bMax\b"
)
_RANGE_WORDS = frozenset({"through", "thru", "to", "until", "and"})
_RANGE_GAP = re.compile(r"^\s*(?:through|thru|to|until|-|–|—)\s*$", re.IGNORECASE)
_DATE_CUE = re.compile(
    r"\bdate\s*codes?|\bmanufactur|\bproduction\s+dates?|\bYYYY|\bMMDD|\bYYMM|\bMM/", re.IGNORECASE
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTHS = {name: n for n, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
)}  # fmt: skip
_MADE = (
    r"\b(?:manufactured|produced|made|built|assembled|dated|production\s+dates?|"
    r"manufactur(?:e|ing)\s+dates?|dates?\s+of\s+manufacture)\b"
)


def _date(n: int) -> str:
    return rf"(?P<m{n}>{_MONTH})\s+(?:(?P<d{n}>\d{{1,2}}),?\s+)?(?P<y{n}>(?:19|20)\d{{2}})"


_MADE_BETWEEN = re.compile(
    _MADE + r"[^.;]{0,40}?\b(?:from|between|in)?\s*" + _date(1)
    + r"\s*(?:through|thru|to|until|and|-|–)\s*" + _date(2),
    re.IGNORECASE,
)  # fmt: skip
_MADE_AFTER = re.compile(
    _MADE + r"[^.;]{0,30}?\b(?:on\s+or\s+after|after|since|beginning|starting)\s+" + _date(1),
    re.IGNORECASE,
)
_MADE_UNTIL = re.compile(
    # "Before" is read as "until": the day named is the first one the recall leaves out.
    _MADE + r"[^.;]{0,30}?\b(?:on\s+or\s+before|before|prior\s+to|through|until)\s+" + _date(1),
    re.IGNORECASE,
)


@dataclass
class FoundRule:
    kind: str
    anchor: int  # token index the rule sits at, to find the model it belongs to
    prefix: str = ""
    length: int | None = None
    range_start: str = ""
    range_end: str = ""
    values: list[str] = field(default_factory=list)


def find_rules(ps: PreparedSentence) -> tuple[list[FoundRule], set[int]]:
    """Rules of a sentence and the tokens they used, so no one reads those as model numbers."""
    if not SERIAL_CUE.search(ps.masked) or not ps.tokens:
        return [], set()
    _split_glued_range_ends(ps)
    rules: list[FoundRule] = []
    claimed: set[int] = set()
    rules += _month_ranges(ps)
    rules += _prefixes(ps, claimed)
    rules += _ranges(ps, claimed)
    rules += _dashed_ranges(ps, claimed)
    rules += _lots(ps, claimed)
    if not any(rule.kind == "prefix" for rule in rules):
        for match in _ALL.finditer(ps.masked):
            rules.append(FoundRule("all", _token_at(ps, match.start())))
    return rules, claimed


def _token_at(ps: PreparedSentence, position: int) -> int:
    for index, token in enumerate(ps.tokens):
        if token.end > position:
            return index
    return len(ps.tokens) - 1


def _month_ranges(ps: PreparedSentence) -> list[FoundRule]:
    rules = []
    for match in _MADE_BETWEEN.finditer(ps.masked):
        start, end = _iso(match, 1), _iso(match, 2)
        anchor = _token_at(ps, match.start())
        rules.append(FoundRule("date_range", anchor, range_start=start, range_end=end))
    for pattern, side in ((_MADE_AFTER, "start"), (_MADE_UNTIL, "end")):
        for match in pattern.finditer(ps.masked):
            if any(r.range_start == _iso(match, 1) or r.range_end == _iso(match, 1) for r in rules):
                continue
            rule = FoundRule("date_range", _token_at(ps, match.start()))
            setattr(rule, f"range_{side}", _iso(match, 1))
            rules.append(rule)
    return rules


def _iso_day(word: str) -> str:
    """10/10/2024 -> 2024-10-10 (U.S. order), 07/2020 -> 2020-07; "" for anything else."""
    day = re.fullmatch(r"(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})", word)
    if day and 1 <= int(day.group(1)) <= 12 and 1 <= int(day.group(2)) <= 31:
        return f"{day.group(3)}-{int(day.group(1)):02d}-{int(day.group(2)):02d}"
    month = re.fullmatch(r"(\d{1,2})/((?:19|20)\d{2})", word)
    if month and 1 <= int(month.group(1)) <= 12:
        return f"{month.group(2)}-{int(month.group(1)):02d}"
    return ""


def _iso(match: re.Match, n: int) -> str:
    """June 23, 2022 -> 2022-06-23; March 2020 -> 2020-03."""
    month = _MONTHS[match.group(f"m{n}")[:3].lower()]
    text = f"{match.group(f'y{n}')}-{month:02d}"
    day = match.group(f"d{n}")
    return f"{text}-{int(day):02d}" if day else text


def _prefixes(ps: PreparedSentence, claimed: set[int]) -> list[FoundRule]:
    rules = []
    length_match = _LENGTH.search(ps.masked)
    for match in _PREFIX.finditer(ps.masked):
        length = match.group("length") or (length_match.group(1) if length_match else None)
        for index in follow(ps, match.end(), _prefix_value, skip=frozenset(claimed)):
            claimed.add(index)
            rules.append(
                FoundRule(
                    "prefix",
                    index,
                    prefix=ps.tokens[index].text.upper(),
                    length=int(length) if length else None,
                )
            )
    return rules


def _prefix_value(word: str) -> bool:
    return 1 <= len(word) <= 12 and word.isalnum() and word == word.upper()


def _ranges(ps: PreparedSentence, claimed: set[int]) -> list[FoundRule]:
    rules = []
    kind = "range" if re.search(r"serial|P\.?O\.?\s", ps.masked, re.I) else None
    if kind is None and _DATE_CUE.search(ps.masked):
        kind = "date_range"
    kind = kind or "range"
    tokens = ps.tokens
    for i in range(len(tokens) - 1):
        j = i + 2 if tokens[i + 1].text.lower() in _RANGE_WORDS and i + 2 < len(tokens) else i + 1
        if i in claimed or j in claimed:
            continue
        a, b = tokens[i], tokens[j]
        if not _is_range(ps, a, b):
            continue
        claimed.update((i, j))
        start, end = _iso_day(a.text), _iso_day(b.text)
        if start and end:
            rules.append(FoundRule("date_range", i, range_start=start, range_end=end))
        else:
            rules.append(FoundRule(kind, i, range_start=a.text, range_end=b.text))
    return rules


def _dashed_ranges(ps: PreparedSentence, claimed: set[int]) -> list[FoundRule]:
    """Serial numbers ranging from 31706-35058, Y1025-Y1310: a range written as one word."""
    rules = []
    for index, token in enumerate(ps.tokens):
        parts = token.text.split("-")
        if index in claimed or len(parts) != 2 or not all(_range_end(p) for p in parts):
            continue
        start, end = parts
        if len(start) >= 4 and shapes.shape(start) == shapes.shape(end) and start < end:
            claimed.add(index)
            rules.append(FoundRule("range", index, range_start=start, range_end=end))
    return rules


def _is_range(ps: PreparedSentence, a: Token, b: Token) -> bool:
    if not (_range_end(a.text) and _range_end(b.text)):
        return False
    gap = ps.masked[a.end : b.start]
    if _RANGE_GAP.match(gap):
        return len(a.text) == len(b.text) or _similar(a.text, b.text)
    before = ps.masked[max(0, a.start - 12) : a.start].lower()
    if gap.strip().lower() == "and" and "between" in before:
        return _similar(a.text, b.text)
    # Table cells side by side: a start and an end of the same shape (PA044936 PA147874),
    # in a table that speaks of ranges; a column of date codes is a list, not ranges.
    if gap.strip() or len(a.text) < 6 or not _RANGE_TABLE.search(ps.masked):
        return False
    return shapes.shape(a.text) == shapes.shape(b.text) or _same_series(a.text, b.text)


def _same_series(a: str, b: str) -> bool:
    """PT000568 and PT0053624: one letter prefix, digits after, lengths one apart (a typo)."""
    head = len(a) - len(a.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return (
        head >= 1
        and a[:head] == b[:head]
        and a[head:].isdigit()
        and b[head:].isdigit()
        and abs(len(a) - len(b)) <= 1
    )


def _range_end(word: str) -> bool:
    return len(word) >= 3 and shapes.has_digit(word) and not shapes.is_quantity(word)


def _similar(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= 1 and a[:1].isdigit() == b[:1].isdigit()


def _split_glued_range_ends(ps: PreparedSentence) -> None:
    """CS21275D220001 - CS24165N220001R09895: a range end glued to the next row's model."""
    tokens = list(ps.tokens)
    i = 0
    while i < len(tokens) - 1:
        a, b = tokens[i], tokens[i + 1]
        gap = ps.masked[a.end : b.start]
        if _RANGE_GAP.match(gap) or not gap.strip():
            tokens[i : i + 2] = _cut_to_shape(a, b)
        i += 1
    ps.tokens = tokens


def _cut_to_shape(a: Token, b: Token) -> list[Token]:
    if len(a.text) >= 6 and len(b.text) >= len(a.text) + 3:
        size = len(a.text)
        if shapes.shape(b.text[:size]) == shapes.shape(a.text) and _cell(b.text[size:]):
            return [a, *_split(b, size)]
    if len(b.text) >= 6 and len(a.text) >= len(b.text) + 3:
        size = len(a.text) - len(b.text)
        if shapes.shape(a.text[size:]) == shapes.shape(b.text) and _cell(a.text[:size]):
            return [*_split(a, size), b]
    return [a, b]


def _cell(rest: str) -> bool:
    """What a cut leaves must be a cell of its own (R09895, 199-NG), not "/LP"."""
    return rest[:1].isalnum() and rest[-1:].isalnum() and shapes.has_digit(rest)


def _split(token: Token, size: int) -> list[Token]:
    cut = token.start + size
    return [
        Token(token.text[:size], token.start, cut, token.quoted),
        Token(token.text[size:], cut, token.end, token.quoted),
    ]


def _lots(ps: PreparedSentence, claimed: set[int]) -> list[FoundRule]:
    rules = []
    for match in _LOT_LABEL.finditer(ps.masked):
        listed = follow(ps, match.end(), _lot_value, skip=frozenset(claimed))
        if listed:
            claimed.update(listed)
            rules.append(FoundRule("lot", listed[0], values=[ps.tokens[i].text for i in listed]))
    has_code_label = any(label.kind in ("model", "item", "fcc_id") for label in labels_in(ps))
    if _TABLE_LOT.search(ps.sentence) and not has_code_label:
        values = [
            i
            for i, token in enumerate(ps.tokens)
            if i not in claimed and shapes.looks_like_code(token.text, min_length=6)
        ]
        if values:
            claimed.update(values)
            rules.append(FoundRule("lot", values[0], values=[ps.tokens[i].text for i in values]))
    return rules


def _lot_value(word: str) -> bool:
    return 3 <= len(word) <= 30 and shapes.has_digit(word) and not shapes.is_quantity(word)
