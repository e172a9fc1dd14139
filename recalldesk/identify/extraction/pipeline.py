"""A recall text read: sentences, then UPCs, serial rules and codes, then where and whose."""

import re
from dataclasses import dataclass, field

from ..normalize import normalize_identifier
from .labels import TABLE_HEADER, follow
from .models import find_codes
from .records import ExtractedIdentifier, ExtractedSerialRule, Extraction
from .sentences import split_sentences
from .serials import FoundRule, find_rules
from .tokens import PreparedSentence, prepare
from .upc import CODE_BEFORE_UPC, UPC_CUE, check_digit_ok, grouped_upcs
from .where import place_in, subjects_of

_UPC_LABEL = re.compile(r"\bUPC\s*(?:codes?|numbers?|#)?", re.IGNORECASE)
_TRUSTED = frozenset({"labelled", "quoted", "shape", "designation", "parentheses"})
_LOOK_BACK = 4  # sentences a serial rule may sit after the model it belongs to


@dataclass
class _Code:
    kind: str
    value: str
    normalized: str
    sentence_index: int
    how: str = ""


@dataclass
class _Sentence:
    text: str
    codes: list[tuple[int, str]] = field(default_factory=list)  # (token index, normalized)
    rules: list[FoundRule] = field(default_factory=list)
    found: list[_Code] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    in_table: bool = False


def extract(text: str) -> Extraction:
    """Model numbers, UPCs, item numbers, FCC IDs and serial rules in a recall text."""
    sentences = split_sentences(text)
    if not sentences:
        return Extraction()
    upc_context = bool(UPC_CUE.search(" ".join(sentences)))
    read = _read(sentences, frozenset(), upc_context)
    # Codes read with good evidence help cut glued table cells on a second reading; only
    # sentences holding a table read differently with them.
    known = frozenset(
        code.value
        for sentence in read
        for code in sentence.found
        if code.how in _TRUSTED and len(code.value) >= 4
    )
    if known and any(sentence.in_table for sentence in read):
        again = _read(sentences, known, upc_context, only_tables=True)
        read = [new if new is not None else old for old, new in zip(read, again, strict=True)]
    codes: dict[tuple[str, str], _Code] = {}
    rejected: list[str] = []
    for sentence in read:
        for code in sentence.found:
            _add(codes, code)
        rejected += [u for u in sentence.rejected if u not in rejected]
    return _assemble(list(codes.values()), read, rejected)


def _read(
    sentences: list[str], known: frozenset[str], upc_context: bool, only_tables: bool = False
):
    read: list[_Sentence | None] = []
    previous_mentions_upc = False
    for index, sentence in enumerate(sentences):
        mentions_upc = bool(UPC_CUE.search(sentence))
        in_table = bool(TABLE_HEADER.search(sentence))
        if only_tables and not in_table:
            read.append(None)
            previous_mentions_upc = mentions_upc
            continue
        ps = prepare(
            sentence,
            known,
            upc_context,
            code_before_upc=bool(CODE_BEFORE_UPC.search(sentence)),
            in_table=in_table,
        )
        rules, claimed = find_rules(ps)
        current = _Sentence(sentence, rules=rules, in_table=in_table)
        if mentions_upc or previous_mentions_upc:
            for value, digits in _upcs(ps, claimed, current.rejected):
                current.found.append(_Code("upc", value, digits, index))
        for found in find_codes(ps, claimed):
            normalized = normalize_identifier(found.value)
            if len(normalized) < 2:
                continue
            current.found.append(_Code(found.kind, found.value, normalized, index, found.how))
            current.codes.append((found.index, normalized))
        read.append(current)
        previous_mentions_upc = mentions_upc
    return read


def _add(codes: dict[tuple[str, str], _Code], code: _Code) -> None:
    # One identifier per value: a model number also listed as an item number stays a model.
    key = ("upc" if code.kind == "upc" else "code", code.normalized)
    codes.setdefault(key, code)


def _upcs(ps: PreparedSentence, claimed: set[int], rejected: list[str]):
    """Valid UPCs of a sentence about UPCs; a number labelled UPC that fails is noted, dropped."""
    found = []
    for index, token in enumerate(ps.tokens):
        digits = token.text.replace("-", "")
        if index in claimed or not digits.isdigit() or len(digits) not in (12, 13):
            continue
        claimed.add(index)
        if check_digit_ok(digits):
            found.append((token.text, digits))
        elif digits not in rejected:
            rejected.append(digits)
    for printed, digits in grouped_upcs(ps.masked):
        if check_digit_ok(digits):
            found.append((printed, digits))
            claimed.update(i for i, t in enumerate(ps.tokens) if t.text in printed.split())
    for match in _UPC_LABEL.finditer(ps.masked):
        for index in follow(ps, match.end(), lambda w: w.replace("-", "").isdigit()):
            digits = ps.tokens[index].text.replace("-", "")
            if index not in claimed and len(digits) >= 6:
                claimed.add(index)
                if digits not in rejected:
                    rejected.append(digits)
    return found


def _assemble(codes: list[_Code], read: list[_Sentence], rejected: list[str]) -> Extraction:
    places = [place_in(s.text) for s in read]
    subjects = [subjects_of(s.text) for s in read]
    identifiers = [
        ExtractedIdentifier(
            kind=code.kind,
            value=code.value,
            normalized=code.normalized,
            where_printed=_where_code(code, read, places, subjects),
            sentence=read[code.sentence_index].text,
        )
        for code in sorted(codes, key=lambda c: c.sentence_index)
    ]
    printed = {code.normalized: code.value for code in codes if code.kind != "upc"}
    rules: list[ExtractedSerialRule] = []
    for index, sentence in enumerate(read):
        for found in sentence.rules:
            model = _model_of(found, index, read)
            rule = ExtractedSerialRule(
                kind=found.kind,
                model=printed.get(model) if model else None,
                prefix=found.prefix,
                length=found.length,
                range_start=found.range_start,
                range_end=found.range_end,
                values=tuple(found.values),
                where_printed=places[index] or _generic_place("serial", read, places, subjects),
                sentence=sentence.text,
            )
            if all(_rule_key(rule) != _rule_key(other) for other in rules):
                rules.append(rule)
    return Extraction(identifiers=identifiers, serial_rules=rules, rejected_upcs=rejected)


def _rule_key(rule: ExtractedSerialRule) -> tuple:
    return (
        rule.kind,
        rule.model,
        rule.prefix,
        rule.length,
        rule.range_start,
        rule.range_end,
        rule.values,
    )


def _where_code(
    code: _Code, read: list[_Sentence], places: list[str], subjects: list[set[str]]
) -> str:
    for index, sentence in enumerate(read):
        if places[index] and any(n == code.normalized for _, n in sentence.codes):
            return places[index]
    if code.kind == "upc":
        for index, sentence in enumerate(read):
            if places[index] and "upc" in subjects[index] and code.value in sentence.text:
                return places[index]
    return _generic_place(code.kind, read, places, subjects)


def _generic_place(
    kind: str, read: list[_Sentence], places: list[str], subjects: list[set[str]]
) -> str:
    """A place said of codes in general: "The model number is printed on the back of the unit"."""
    wanted = {"item": {"item", "model"}}.get(kind, {kind})
    for index, sentence in enumerate(read):
        if not places[index] or not (subjects[index] & wanted):
            continue
        if kind == "serial" and sentence.rules:
            continue
        if kind != "serial" and sentence.codes:
            continue
        return places[index]
    return ""


def _model_of(rule: FoundRule, index: int, read: list[_Sentence]) -> str | None:
    """The model a rule belongs to: the nearest model before it, in its sentence or just before."""
    here = read[index].codes
    before = [n for i, n in here if i < rule.anchor]
    if before:
        return before[-1]
    if here:
        distinct = {n for _, n in here}
        return distinct.pop() if len(distinct) == 1 else None
    for back in range(index - 1, max(-1, index - 1 - _LOOK_BACK), -1):
        distinct = {n for _, n in read[back].codes}
        if distinct:
            return distinct.pop() if len(distinct) == 1 else None
    return None
