"""Labelled query lists for bench/lookup.py: what people type, and the recall that answers it.

Each query: (kind of query, lookup parameters, recall numbers that are a right first answer).
Variants are made from known model numbers the way people mistype them: lower case and a dash
(mma-008), a confusable letter (MMAO08), one typo (MMA08), a retail suffix (BPB002BTBK).
"""

import random
from collections import defaultdict
from collections.abc import Iterable

from recalldesk.identify.engine import IdentifierRow, RecallRow, SerialRuleRow
from recalldesk.identify.engine.text import text_words
from recalldesk.identify.normalize import normalize_identifier

Query = tuple[str, dict[str, str], frozenset[str]]

_SWAP = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8"}
_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY2345679"


def _dashed(value: str, rng: random.Random) -> str:
    code = normalize_identifier(value).lower()
    cut = rng.randint(1, len(code) - 1)
    return f"{code[:cut]}-{code[cut:]}"


def _confusable(code: str, rng: random.Random) -> str | None:
    places = [i for i, ch in enumerate(code) if ch in _SWAP]
    if not places:
        return None
    i = rng.choice(places)
    return code[:i] + _SWAP[code[i]] + code[i + 1 :]


def _typo(code: str, rng: random.Random) -> str:
    i = rng.randrange(len(code))
    how = rng.choice(("substitute", "delete", "insert", "swap"))
    if how == "delete":
        return code[:i] + code[i + 1 :]
    if how == "insert":
        return code[:i] + rng.choice(_ALPHABET) + code[i:]
    if how == "swap" and i + 1 < len(code) and code[i] != code[i + 1]:
        return code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    return code[:i] + rng.choice([c for c in _ALPHABET if c != code[i]]) + code[i + 1 :]


def _serial_inside(rule: SerialRuleRow, rng: random.Random) -> str | None:
    if rule.kind == "prefix" and rule.prefix and rule.length:
        rest = rule.length - len(normalize_identifier(rule.prefix))
        return rule.prefix + "".join(rng.choice("0123456789") for _ in range(max(rest, 0)))
    if (
        rule.kind == "range"
        and rule.range_start.isdigit()
        and rule.range_end.isdigit()
        and int(rule.range_start) <= int(rule.range_end)
    ):
        number = rng.randint(int(rule.range_start), int(rule.range_end))
        return str(number).zfill(len(rule.range_start))
    if rule.kind == "lot" and rule.values:
        return rng.choice(list(rule.values))
    if rule.kind == "all":
        return "".join(rng.choice("0123456789ABC") for _ in range(10))
    return None


def queries_build(
    *,
    recalls: list[RecallRow],
    identifiers: list[IdentifierRow],
    rules: Iterable[SerialRuleRow],
    per_kind: int,
    seed: int = 13,
) -> list[Query]:
    """A mixed, labelled list: per_kind queries of each kind (fewer when the data has fewer)."""
    rng = random.Random(seed)
    number_of = {r.recall_id: r.number for r in recalls}
    recalls_of: dict[str, set[str]] = defaultdict(set)
    for row in identifiers:
        if row.recall_id in number_of:
            recalls_of[row.normalized or normalize_identifier(row.value)].add(
                number_of[row.recall_id]
            )
    known = set(recalls_of)
    models = [
        r for r in identifiers
        if r.kind == "model" and r.recall_id in number_of and len(r.normalized) >= 5
        and any(ch.isdigit() for ch in r.normalized)
    ]  # fmt: skip
    rng.shuffle(models)
    queries: list[Query] = []

    def add(kind: str, params: dict[str, str], code: str) -> bool:
        queries.append((kind, params, frozenset(recalls_of[code])))
        return True

    def take(kind: str, make) -> None:
        made = 0
        for row in models:
            if made == per_kind:
                return
            if make(row):
                made += 1

    take("model as printed", lambda r: add("model as printed", {"model": r.value}, r.normalized))
    take(
        "model, lower case and dash",
        lambda r: add("model, lower case and dash", {"model": _dashed(r.value, rng)}, r.normalized),
    )

    def variant(kind: str, changed: str | None, row: IdentifierRow) -> bool:
        if not changed or changed in known or len(changed) < 5:
            return False
        add(kind, {"model": changed}, row.normalized)
        return True

    take(
        "confusable letter",
        lambda r: variant("confusable letter", _confusable(r.normalized, rng), r),
    )
    take("one typo", lambda r: variant("one typo", _typo(r.normalized, rng), r))
    take(
        "retail suffix",
        lambda r: variant(
            "retail suffix", r.normalized + rng.choice(("BK", "WH", "BTBK", "US")), r
        ),
    )
    queries += _with_serials(identifiers, rules, recalls_of, number_of, per_kind, rng)
    queries += _upcs(identifiers, recalls_of, per_kind, rng)
    queries += _free_text(recalls, per_kind, rng)
    return queries


def _with_serials(identifiers, rules, recalls_of, number_of, per_kind, rng) -> list[Query]:
    by_identifier = {r.identifier_id: r for r in identifiers}
    found: list[Query] = []
    for rule in rules:
        row = by_identifier.get(rule.identifier_id)
        serial = _serial_inside(rule, rng) if row is not None else None
        if serial and row.recall_id in number_of and len(found) < per_kind:
            params = {"model": row.value, "serial": serial}
            found.append(("model and serial", params, frozenset(recalls_of[row.normalized])))
    return found


def _upcs(identifiers, recalls_of, per_kind, rng) -> list[Query]:
    rows = [r for r in identifiers if r.kind == "upc" and len(r.normalized) in (12, 13)]
    rng.shuffle(rows)
    return [("UPC", {"upc": r.normalized}, frozenset(recalls_of[r.normalized])) for r in rows][
        :per_kind
    ]


def _free_text(recalls: list[RecallRow], per_kind: int, rng) -> list[Query]:
    """The firm's first word and the two rarest title words: 'belkin charging stands'. Right
    answers: every recall whose title, products and firms hold all the words typed."""
    about = [
        set(text_words(" ".join((r.title, r.product_name, *r.product_names, *r.firm_names))))
        for r in recalls
    ]
    frequency: dict[str, int] = defaultdict(int)
    for words in about:
        for word in words:
            frequency[word] += 1
    chosen = rng.sample(range(len(recalls)), min(per_kind, len(recalls)))
    found: list[Query] = []
    for position in chosen:
        recall = recalls[position]
        firm = text_words(recall.firm_names[0])[:1] if recall.firm_names else []
        title = [w for w in dict.fromkeys(text_words(recall.title)) if w not in firm]
        title.sort(key=lambda w: frequency[w])
        typed = [*firm, *title[:2]]
        if len(typed) < 2:
            continue
        wanted = set(typed)
        right = frozenset(
            r.number for r, words in zip(recalls, about, strict=True) if wanted <= words
        )
        found.append(("free text", {"q": " ".join(typed)}, right))
    return found


def as_free_text(queries: list[Query]) -> list[Query]:
    """The same queries typed into one search box: what both tools can be asked."""
    boxed = []
    for kind, params, expected in queries:
        text = params.get("q") or params.get("model") or params.get("upc")
        if text and "serial" not in params:
            boxed.append((kind, {"q": text}, expected))
    return boxed
