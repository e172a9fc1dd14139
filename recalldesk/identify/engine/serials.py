"""Serial rules as the engine holds them, and whether a serial number falls inside one."""

import re
from typing import NamedTuple

from recalldesk.identify.engine.dates import date_code, date_codes, dates_between
from recalldesk.identify.normalize import normalize_identifier

ALL = "all"
PREFIX = "prefix"
RANGE = "range"
LOT = "lot"
DATE_RANGE = "date_range"

_LETTERS_THEN_DIGITS = re.compile(r"([A-Z]*)([0-9]+)")


class Rule(NamedTuple):
    """One serial rule, its codes already normalized."""

    kind: str
    prefix: str
    length: int | None
    start: str
    end: str
    values: frozenset[str]
    where_printed: str
    source_sentence: str


def rule_make(
    *,
    kind: str,
    prefix: str = "",
    length: int | None = None,
    range_start: str = "",
    range_end: str = "",
    values: tuple[str, ...] | list[str] = (),
    where_printed: str = "",
    source_sentence: str = "",
) -> Rule:
    """A rule from the stored fields, with every code in the lookup spelling."""
    if kind == DATE_RANGE:
        start = date_code(range_start, normalize_identifier)
        end = date_code(range_end, normalize_identifier)
    else:
        start, end = normalize_identifier(range_start), normalize_identifier(range_end)
    return Rule(
        kind=kind,
        prefix=normalize_identifier(prefix),
        length=length or None,
        start=start,
        end=end,
        values=frozenset(v for v in (normalize_identifier(str(x)) for x in values or ()) if v),
        where_printed=where_printed or "",
        source_sentence=source_sentence or "",
    )


def _between_as_numbers(code: str, start: str, end: str) -> bool | None:
    """Compare codes like SN1505000 by their number; None when they are not of that shape."""
    parts = [_LETTERS_THEN_DIGITS.fullmatch(x) for x in (code, start, end)]
    if not all(parts):
        return None
    (c_head, c_num), (s_head, s_num), (e_head, e_num) = (p.groups() for p in parts)
    if not (c_head == s_head == e_head):
        return False
    # Leading zeros are part of a fixed-width serial: 0001500 is not 1500.
    if len(s_num) == len(e_num) and len(c_num) != len(s_num):
        return False
    return int(s_num) <= int(c_num) <= int(e_num)


def _between(code: str, start: str, end: str) -> bool:
    if not start and not end:
        return False
    start = start or end
    end = end or start
    as_numbers = _between_as_numbers(code, start, end)
    if as_numbers is not None:
        return as_numbers
    if len(code) == len(start) == len(end):
        return start <= code <= end
    return False


def rule_matches(rule: Rule, serial: str, *, raw_serial: str = "") -> bool | None:
    """True when the normalized serial (or lot or date code) is inside the rule, None when a
    date code can be read more than one way and the readings disagree."""
    kind = rule.kind
    if kind == ALL:
        return True
    if not serial:
        return False
    if kind == PREFIX:
        if rule.length and len(serial) != rule.length:
            return False
        return serial.startswith(rule.prefix) if rule.prefix else bool(rule.length)
    if kind == RANGE:
        return _between(serial, rule.start, rule.end)
    if kind == LOT:
        return serial in rule.values
    if kind == DATE_RANGE:
        codes = date_codes(raw_serial, normalize_identifier) if raw_serial else (serial,)
        answers = {dates_between(code, rule.start, rule.end) for code in codes}
        return answers.pop() if len(answers) == 1 else None
    return False


def _listing(values: frozenset[str], most: int = 6) -> str:
    ordered = sorted(values)
    shown = ", ".join(ordered[:most])
    if len(ordered) > most:
        shown += f" and {len(ordered) - most} more"
    return shown


def rule_describe(rule: Rule) -> str:
    """The rule in plain words, e.g. 'serial numbers starting with 57X, 14 characters long'."""
    kind = rule.kind
    if kind == ALL:
        return "all serial numbers"
    if kind == PREFIX:
        length = f"{rule.length} characters long" if rule.length else ""
        if rule.prefix:
            return f"serial numbers starting with {rule.prefix}" + (f", {length}" if length else "")
        return f"serial numbers {length}".strip()
    if kind == RANGE:
        return f"serial numbers {rule.start or '…'} through {rule.end or '…'}"
    if kind == LOT:
        return f"lot or batch codes {_listing(rule.values)}" if rule.values else "listed lot codes"
    if kind == DATE_RANGE:
        return f"date codes {rule.start or '…'} through {rule.end or '…'}"
    return "a serial rule"


def rules_describe(rules: tuple[Rule, ...]) -> str:
    """Several rules joined for a sentence: 'A, or B'."""
    parts = [rule_describe(r) for r in rules]
    if len(parts) <= 1:
        return "".join(parts)
    return "; or ".join(parts)


def rules_code_name(rules: tuple[Rule, ...]) -> str:
    """What the person should look for on the product: serial number, lot code or date code."""
    kinds = {r.kind for r in rules}
    if kinds <= {LOT}:
        return "lot or batch code"
    if kinds <= {DATE_RANGE}:
        return "date code"
    return "serial number"
