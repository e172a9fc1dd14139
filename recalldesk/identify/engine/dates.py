"""Date codes: a code read every way recalls print them, and whether it falls in a range.

Recalls print date codes as YYYYMM (202409), MMDDYY (030620), MMYY (0722), YYWW (2318), DDDYY
(16919) and more, and rarely say which. A code is compared under every reading that fits the
range's two ends and the code; when the readings disagree the answer is "cannot tell" (None),
never a guess: a wrong "not recalled" is the error that hurts.
"""

import re
from collections.abc import Callable

_YMD = re.compile(r"\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\s*")
_DMY = re.compile(r"\s*(\d{1,2})[-/.](?:(\d{1,2})[-/.])?(\d{4})\s*")
_DIGITS = re.compile(r"[0-9]+")
_CENTURIES = ("19", "20")


def _month(text: str) -> bool:
    return 1 <= int(text) <= 12


def _day(text: str) -> bool:
    return 1 <= int(text) <= 31


def _same(code: str) -> str:
    return code


# Per length: (fits the code?, the code rewritten so that text order is time order).
Reading = tuple[Callable[[str], bool], Callable[[str], str]]
READINGS: dict[int, list[Reading]] = {
    4: [
        (lambda c: _month(c[2:]), _same),  # YYMM
        (lambda c: 1 <= int(c[2:]) <= 53, _same),  # YYWW
        (lambda c: _month(c[:2]), lambda c: c[2:] + c[:2]),  # MMYY
    ],
    5: [
        (lambda c: 1 <= int(c[:3]) <= 366, lambda c: c[3:] + c[:3]),  # DDDYY
        (lambda c: 1 <= int(c[2:]) <= 366, _same),  # YYDDD
    ],
    6: [
        (lambda c: c[:2] in _CENTURIES and _month(c[4:]), _same),  # YYYYMM
        (lambda c: _month(c[2:4]) and _day(c[4:]), _same),  # YYMMDD
        (lambda c: _month(c[:2]) and _day(c[2:4]), lambda c: c[4:] + c[:4]),  # MMDDYY
        (lambda c: _day(c[:2]) and _month(c[2:4]), lambda c: c[4:] + c[2:4] + c[:2]),  # DDMMYY
        (lambda c: _month(c[:2]) and c[2:4] in _CENTURIES, lambda c: c[2:] + c[:2]),  # MMYYYY
    ],
    8: [
        (lambda c: c[:2] in _CENTURIES and _month(c[4:6]) and _day(c[6:]), _same),  # YYYYMMDD
        (
            lambda c: _month(c[:2]) and _day(c[2:4]) and c[4:6] in _CENTURIES,
            lambda c: c[4:] + c[:4],
        ),  # MMDDYYYY
        (
            lambda c: _day(c[:2]) and _month(c[2:4]) and c[4:6] in _CENTURIES,
            lambda c: c[4:] + c[2:4] + c[:2],
        ),  # DDMMYYYY
    ],
}


def date_codes(raw: str, normalize: Callable[[str], str]) -> tuple[str, ...]:
    """A typed date as YYYYMMDD (or YYYYMM) digits, each way it can be read: 01/09/2022 is
    January 9 or September 1. Text that is no date comes back normalized."""
    text = str(raw or "")
    match = _YMD.fullmatch(text)
    if match:
        year, month, day = match.groups()
        if _month(month) and (not day or _day(day)):
            return (f"{year}{int(month):02d}" + (f"{int(day):02d}" if day else ""),)
    match = _DMY.fullmatch(text)
    if match:
        first, second, year = match.groups()
        if second is None:
            return (f"{year}{int(first):02d}",) if _month(first) else (normalize(text),)
        readings = []
        if _month(first) and _day(second):
            readings.append(f"{year}{int(first):02d}{int(second):02d}")
        if _day(first) and _month(second):
            readings.append(f"{year}{int(second):02d}{int(first):02d}")
        if readings:
            return tuple(dict.fromkeys(readings))
    return (normalize(text),)


def date_code(raw: str, normalize: Callable[[str], str]) -> str:
    """The first reading of date_codes: how a range's ends are stored."""
    return date_codes(raw, normalize)[0]


def dates_between(code: str, start: str, end: str) -> bool | None:
    """Inside, outside, or None when the ways the codes may be written disagree."""
    if not start and not end:
        return False
    start, end = start or end, end or start
    if not (_DIGITS.fullmatch(code) and _DIGITS.fullmatch(start) and _DIGITS.fullmatch(end)):
        if len(code) == len(start) == len(end):
            return start <= code <= end
        return None
    if len(start) != len(end):
        return None
    if len(code) != len(start):
        # A typed day (20230115) against a year-first month range (202301 to 202306).
        if len(code) > len(start) and start[:2] in _CENTURIES and code[:2] in _CENTURIES:
            return start <= code[: len(start)] <= end
        return None
    answers = set()
    for fits, ordered in READINGS.get(len(start), ()):
        if fits(start) and fits(end) and fits(code):
            low, high = ordered(start), ordered(end)
            # A reading in which the range runs backwards is not how these codes are written.
            if low <= high:
                answers.add(low <= ordered(code) <= high)
    if not answers:
        return start <= code <= end if start <= end else None
    if len(answers) == 1:
        return answers.pop()
    return None
