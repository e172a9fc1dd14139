"""Small parsers for the text that recall sources publish.

Sold-at sentences are parsed in sold_at.py, firm names in firms.py, places in places.py.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})


def words(text: str) -> frozenset[str]:
    """A set of words written as one string, for the word lists the parsers keep."""
    return frozenset(text.split())


def normalize_recall_number(number: str | None) -> str:
    """One spelling per recall number: 26-090, 26090 and ' 26-090 ' are all 26090."""
    if not number:
        return ""
    return _NOT_ALNUM.sub("", str(number)).upper()[:40]


def clean_text(value: object) -> str:
    """Text as a person reads it: HTML entities decoded, invisible characters gone."""
    if value is None:
        return ""
    text = html.unescape(str(value))
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def plain_quotes(text: str) -> str:
    """Curly quotes and apostrophes made straight, so 'Lowe’s' and "Lowe's" compare equal."""
    return text.translate(_QUOTES)


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_PATTERN = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_WORDY_DATE = re.compile(rf"({MONTH_PATTERN})\s+(\d{{1,2}}),?\s+(\d{{4}})", re.IGNORECASE)


def parse_date(value: object) -> dt.date | None:
    """A published date: 'November 13, 2025', '2025-11-13', '2025-11-13T00:00:00', '11/13/2025'.

    Empty gives None; anything else that is not a date raises ValueError with the text.
    """
    text = clean_text(value)
    if not text:
        return None
    try:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _US_DATE.fullmatch(text):
            month, day, year = (int(g) for g in match.groups())
        elif match := _WORDY_DATE.fullmatch(text):
            month = MONTHS[match.group(1).rstrip(".").lower()]
            day, year = int(match.group(2)), int(match.group(3))
        else:
            raise ValueError
        if not 1900 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text[:60]}' is not a date") from None


@dataclass(frozen=True)
class Units:
    """Units sold as published, with the count per country (ISO codes) read out of it."""

    text: str
    total: int | None = None
    by_country: dict[str, int] = field(default_factory=dict)


_NUMBER = (
    r"(?<![\w.,$])(?P<num>\d{1,3}(?:,\s?\d{3})+(?!\d)|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>million|billion|thousand)\b)?"
)
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_WORD_NUMBERS = {word: value for value, word in enumerate(_NUMBER_WORDS.split(" "))}
# "Two million MamaRoo swings", "About one million": a word may carry a scale too.
_WORD_NUMBER = (
    r"\b(?P<word>" + "|".join(_WORD_NUMBERS) + r")\b"
    r"(?:\s+(?P<word_scale>million|billion|thousand)\b)?"
)
_ANY_NUMBER = re.compile(rf"{_NUMBER}|{_WORD_NUMBER}", re.IGNORECASE)
_COUNTRY_MENTION = re.compile(
    rf"(?:{_NUMBER}|{_WORD_NUMBER})(?P<gap>[^\d()]{{0,80}}?)\bin\s+"
    r"(?P<country>Canada|Mexico|the\s+United\s+States|the\s+U\.\s?S\.?(?!\w)|the\s+US\b)",
    re.IGNORECASE,
)
# "Two million MamaRoo swings and 220,000 RockaRoo rockers": counts of products listed with
# "and" add up; "1,977 in Canada and about 190 in Mexico" does not ("in" is not a product).
_PRODUCT_WORDS = r"(?:\s+(?!(?:in|were|was|sold|and|of|the|additional)\b)[A-Za-z][\w'-]*){1,4}"
_AND = r"\s+and\s+(?:about\s+|approximately\s+)?"
_AND_ANOTHER = re.compile(_PRODUCT_WORDS + _AND + rf"(?:{_NUMBER}|{_WORD_NUMBER})", re.IGNORECASE)
_ANOTHER_BEFORE = re.compile(rf"(?:{_NUMBER}|{_WORD_NUMBER}){_PRODUCT_WORDS}{_AND}$", re.IGNORECASE)
_PREVIOUS_NOTE = re.compile(r"\([^()]*\bpreviously\b[^()]*\)", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"(?<=[.)])\s+(?=[A-Z])")
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Beyond any real recall; keeps a typo from overflowing a BigIntegerField.
_MAX_UNITS = 10**12


def _number_value(match: re.Match) -> int | None:
    if match.group("word"):
        value = _WORD_NUMBERS[match.group("word").lower()]
        if scale := match.group("word_scale"):
            value *= _SCALES[scale.lower()]
        return value
    digits = re.sub(r"[,\s]", "", match.group("num"))
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    if scale := match.group("scale"):
        value *= _SCALES[scale.lower()]
    if value > _MAX_UNITS:
        return None
    return int(value)


def _country_code(name: str) -> str:
    folded = re.sub(r"[^a-z]", "", name.lower())
    return {"canada": "CA", "mexico": "MX"}.get(folded, "US")


def parse_units(value: object) -> Units:
    """'About 83,500 (In addition, about 2,385 were sold in Canada)' -> 83,500 US, 2,385 CA.

    The total is the count for the United States, as CPSC publishes it; figures about earlier
    recalls ('... were previously recalled') are left out.
    """
    text = clean_text(value)
    work = _PREVIOUS_NOTE.sub(" ", " ".join(text.split()))
    sentences = _SENTENCE_BREAK.split(work)
    work = " ".join(
        [sentences[0]] + [s for s in sentences[1:] if "previous" not in s.lower()]
    ).strip()
    by_country: dict[str, int] = {}
    country_of_start: dict[int, str] = {}
    for match in _COUNTRY_MENTION.finditer(work):
        code = _country_code(match.group("country"))
        amount = _number_value(match)
        country_of_start[match.start()] = code
        before = _ANOTHER_BEFORE.search(work, 0, match.start())
        if amount is not None and before is not None and (more := _number_value(before)):
            amount += more
        if amount is not None and code not in by_country:
            by_country[code] = amount
    if "US" not in by_country and (first := _ANY_NUMBER.search(work)):
        amount = _number_value(first)
        another = _AND_ANOTHER.match(work, first.end())
        if (
            amount is not None
            and another is not None
            and country_of_start.get(another.start("num") if another.group("num") else -1) is None
            and (more := _number_value(another))
        ):
            amount += more
        if amount is not None and country_of_start.get(first.start(), "US") == "US":
            by_country["US"] = amount
    ordered = {code: by_country[code] for code in ("US", "CA", "MX") if code in by_country}
    return Units(text=text, total=ordered.get("US"), by_country=ordered)


_REMEDY_WORDS = {
    "refund": "Refund",
    "refunds": "Refund",
    "repair": "Repair",
    "repairs": "Repair",
    "replace": "Replace",
    "replacement": "Replace",
    "replacements": "Replace",
    "dispose": "Dispose",
    "disposal": "Dispose",
    "new instructions": "New Instructions",
    "label": "Label",
    "labels": "Label",
    "inspect": "Inspect",
    "inspection": "Inspect",
    "no remedy available": "No Remedy Available",
    "no remedy": "No Remedy Available",
}
REMEDY_ORDER = (
    "Refund",
    "Repair",
    "Replace",
    "Dispose",
    "New Instructions",
    "Label",
    "Inspect",
    "No Remedy Available",
)


def parse_remedy_types(value: object) -> list[str]:
    """Remedy types from 'Refund, Replace' (or a list of them), in one fixed order."""
    parts = value if isinstance(value, list | tuple) else re.split(r"[,;|/]", clean_text(value))
    found = set()
    for part in parts:
        words = " ".join(re.sub(r"[^a-z ]", " ", clean_text(part).lower()).split())
        if words in _REMEDY_WORDS:
            found.add(_REMEDY_WORDS[words])
    return [name for name in REMEDY_ORDER if name in found]


def joined_choices(values: list[str]) -> str:
    """'|China|Vietnam|': one indexed text filter finds a value on SQLite and PostgreSQL."""
    return f"|{'|'.join(values)}|" if values else ""
