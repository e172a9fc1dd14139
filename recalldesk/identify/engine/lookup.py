"""lookup(): "Is my product recalled?" from a model number, serial, UPC or a few words."""

from dataclasses import dataclass, field
from operator import attrgetter

from recalldesk.identify.engine.index import UPC, LookupIndex, upc_canonical
from recalldesk.identify.engine.verdicts import (
    CONFUSABLE,
    EXACT,
    NO_MATCH,
    RETAIL_SUFFIX,
    TYPO,
    Verdict,
    verdict_for_entry,
    verdict_from_text,
    verdict_no_match,
    verdict_possible,
)
from recalldesk.identify.normalize import normalize_identifier

MAX_CODE_LENGTH = 100
MAX_UPC_LENGTH = 40
MAX_TEXT_LENGTH = 300
MAX_VERDICTS = 20
CONFUSABLE_MIN_LENGTH = 3
TEXT_RESULTS = 5
MAX_SPACED_CODE = 16
MAX_SUGGESTIONS = 8


class LookupInputError(ValueError):
    """The input cannot be looked up; the message says what to fix, `field` which input."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class LookupResult:
    """Verdicts best first; `best` is the first one's kind (NO_MATCH when none)."""

    verdicts: list[Verdict] = field(default_factory=list)
    model: str = ""
    serial: str = ""
    upc: str = ""
    q: str = ""

    @property
    def best(self) -> str:
        return self.verdicts[0].kind if self.verdicts else NO_MATCH


def _clean(value: str | None, *, limit: int, name: str, field: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise LookupInputError(f"The {name} is too long: at most {limit} characters.", field=field)
    return text


def upc_check(raw: str) -> str:
    """The canonical 12-digit UPC (or 13-digit EAN) from what was typed, or LookupInputError."""
    digits = "".join(ch for ch in raw if not ch.isspace() and ch != "-")
    if not digits.isascii() or not digits.isdigit():
        raise LookupInputError(
            f"The UPC {raw} should hold only digits: the 12 digits under the barcode.", field="upc"
        )
    if len(digits) not in (12, 13):
        raise LookupInputError(
            f"The UPC {digits} has {len(digits)} digits; a UPC has 12 "
            "(13 for an EAN barcode). Copy all the digits under the barcode.",
            field="upc",
        )
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    if (10 - total % 10) % 10 != int(digits[-1]):
        raise LookupInputError(
            f"The UPC {digits} has a wrong check digit; "
            f"check the {len(digits)} digits under the barcode.",
            field="upc",
        )
    return upc_canonical(digits)


def _code_verdicts(
    index: LookupIndex, asked: str, normalized: str, *, serial: str, raw_serial: str, fuzzy: bool
) -> list[Verdict]:
    entries = index.entries_exact(normalized)
    if entries:
        return [
            verdict_for_entry(index, e, serial=serial, raw_serial=raw_serial, match=EXACT)
            for e in entries
        ]
    if not fuzzy:
        return []
    found: list[Verdict] = []
    seen: set[str] = set()

    def possible(codes: list[str], match: str, suffix: str = "") -> None:
        # A short code can be one typo away from dozens: the first few are suggestion enough.
        for code in codes[:MAX_SUGGESTIONS]:
            if code in seen:
                continue
            seen.add(code)
            for entry in index.entries_exact(code):
                if entry.kind == UPC:
                    continue
                found.append(
                    verdict_possible(
                        index,
                        entry,
                        asked=asked,
                        match=match,
                        serial=serial,
                        raw_serial=raw_serial,
                        suffix=suffix,
                    )
                )

    base = index.code_before_suffix(normalized)
    if base is not None:
        possible([base[0]], RETAIL_SUFFIX, base[1])
    if len(normalized) >= CONFUSABLE_MIN_LENGTH:
        possible(index.codes_confusable(normalized), CONFUSABLE)
    # A typo is the weakest explanation: looked for only when nothing closer was found.
    if not found:
        possible(index.codes_one_edit(normalized), TYPO)
    return found


def _looks_like_code(normalized: str) -> bool:
    # Normalized codes hold only A-Z and 0-9: not all letters means a digit is in it.
    return len(normalized) >= 4 and not normalized.isalpha()


def _word_is_code(code: str) -> bool:
    # Among words, 2001 is a year and 10 a count; a code mixes letters and digits (MMA008)
    # or is a long number (17249).
    return _looks_like_code(code) and (not code.isdigit() or len(code) >= 5)


def _words_as_codes(text: str) -> list[tuple[str, str]]:
    """Codes a person may have typed among words: "belkin mma-008" holds MMA008."""
    pairs = []
    whole = normalize_identifier(text)
    # "MMA 008" typed with a space is one code.
    if len(text.split()) <= 3 and len(whole) <= MAX_SPACED_CODE and _word_is_code(whole):
        pairs.append((text, whole))
    for word in text.split():
        code = normalize_identifier(word)
        if _word_is_code(code) and all(code != c for _, c in pairs):
            pairs.append((word, code))
    return pairs[:6]


def _ranked(verdicts: list[Verdict]) -> list[Verdict]:
    kept: dict[tuple[str, str, str], Verdict] = {}
    for verdict in verdicts:
        key = (verdict.recall_number, verdict.model, verdict.match if verdict.model else "")
        held = kept.get(key)
        if held is None or verdict.rank < held.rank:
            kept[key] = verdict
    ordered = sorted(kept.values(), key=attrgetter("recall_number"))
    # Newer recalls first among equals (sorts are stable): a reissued model is most likely in
    # the latest one. ISO dates sort as text.
    ordered.sort(key=attrgetter("recall_date"), reverse=True)
    ordered.sort(key=attrgetter("rank"))
    return ordered[:MAX_VERDICTS]


def lookup(
    index: LookupIndex,
    *,
    model: str | None = None,
    serial: str | None = None,
    upc: str | None = None,
    q: str | None = None,
) -> LookupResult:
    """Verdicts for whatever was given, best first; LookupInputError for input to fix."""
    model = _clean(model, limit=MAX_CODE_LENGTH, name="model number", field="model")
    raw_serial = _clean(serial, limit=MAX_CODE_LENGTH, name="serial number", field="serial")
    upc = _clean(upc, limit=MAX_UPC_LENGTH, name="UPC", field="upc")
    q = _clean(q, limit=MAX_TEXT_LENGTH, name="search text", field="q")
    if not (model or upc or q):
        if raw_serial:
            raise LookupInputError(
                "A serial number alone cannot be checked: add the model number printed next to it.",
                field="model",
            )
        raise LookupInputError("Enter a model number, a UPC, or a few words about the product.")
    serial = normalize_identifier(raw_serial)
    verdicts: list[Verdict] = []
    if upc:
        canonical = upc_check(upc)
        entries = index.entries_upc(canonical)
        verdicts += [
            verdict_for_entry(index, e, serial=serial, raw_serial=raw_serial) for e in entries
        ]
        if not entries:
            verdicts.append(verdict_no_match(asked=f"the UPC {canonical}"))
    if model:
        normalized = normalize_identifier(model)
        found = []
        if normalized:
            found = _code_verdicts(
                index, model, normalized, serial=serial, raw_serial=raw_serial, fuzzy=True
            )
        if not found and len(model.split()) > 1:
            for word, code in _words_as_codes(model):
                found += _code_verdicts(
                    index, word, code, serial=serial, raw_serial=raw_serial, fuzzy=True
                )
        verdicts += found or [verdict_no_match(asked=f"the model number {model}")]
    if q:
        verdicts += _text_verdicts(index, q, serial=serial, raw_serial=raw_serial)
    answered = [v for v in verdicts if v.kind != NO_MATCH]
    ranked = _ranked(answered) if answered else _ranked(verdicts)[:1]
    return LookupResult(verdicts=ranked, model=model, serial=raw_serial, upc=upc, q=q)


def _text_verdicts(index: LookupIndex, q: str, *, serial: str, raw_serial: str) -> list[Verdict]:
    verdicts: list[Verdict] = []
    exact_found = False
    for word, code in _words_as_codes(q):
        found = _code_verdicts(
            index, word, code, serial=serial, raw_serial=raw_serial, fuzzy=not exact_found
        )
        exact_found = exact_found or any(v.match == EXACT for v in found)
        verdicts += found
    named = {v.recall_number for v in verdicts}
    for position, score in index.text.search(q, limit=TEXT_RESULTS):
        if index.recalls[position].number not in named:
            verdicts.append(verdict_from_text(index, position, words=q, score=score))
    if not verdicts:
        verdicts.append(verdict_no_match(asked=f"\u201c{q}\u201d"))
    return verdicts
