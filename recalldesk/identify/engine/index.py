"""The in-memory lookup index: built once from plain rows, never changed, shared by threads.

Identifiers are stored by column (arrays of numbers, shared strings), numbered 0..n-1; an
Entry is made only for the few a lookup returns. That keeps 1,000,000 identifiers in a few
hundred megabytes. Structures, each chosen so a lookup costs the same at any size:
- exact: normalized code -> entry number(s) (a dict);
- confusable: confusable key -> normalized codes that hold a confusable letter (a dict; codes
  without one are their own key and are found through `exact`);
- typos: per length, the codes sorted three ways. Cut a code in three parts A B C; one edit
  leaves two parts whole, so a code one edit away from the query shares with it A+B (sorted
  forwards), B+C (sorted reversed) or C+A (sorted rotated). Two thirds of a code pick few
  candidates even at a million; a bounded number is checked;
- upc: canonical 12-digit UPC -> entry number(s);
- text: the free-text index (see text.py).
"""

from array import array
from bisect import bisect_left
from typing import NamedTuple

from recalldesk.identify.engine.serials import Rule
from recalldesk.identify.engine.text import TextIndex
from recalldesk.identify.normalize import confusable_key

MODEL = "model"
UPC = "upc"
ITEM = "item"
FCC_ID = "fcc_id"
KINDS = (MODEL, UPC, ITEM, FCC_ID)
KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
UPC_CODE = KIND_CODE[UPC]

TYPO_MIN_LENGTH = 5
SUFFIX_MIN_MODEL_LENGTH = 4
SUFFIX_MAX_LENGTH = 6
CANDIDATES_CHECKED = 256
MODELS_SHOWN = 8


class RecallRow(NamedTuple):
    """A recall as the index needs it (plain values, no ORM)."""

    recall_id: int
    number: str
    title: str
    url: str = ""
    recall_date: str = ""
    product_name: str = ""
    description: str = ""
    product_names: tuple[str, ...] = ()
    firm_names: tuple[str, ...] = ()
    upcs: tuple[str, ...] = ()


class IdentifierRow(NamedTuple):
    identifier_id: int
    recall_id: int
    kind: str
    value: str
    normalized: str = ""
    product_id: int | None = None
    product_name: str = ""
    where_printed: str = ""


class SerialRuleRow(NamedTuple):
    rule_id: int
    recall_id: int
    identifier_id: int | None
    kind: str
    prefix: str = ""
    length: int | None = None
    range_start: str = ""
    range_end: str = ""
    values: tuple[str, ...] = ()
    where_printed: str = ""
    source_sentence: str = ""


class RecallCard(NamedTuple):
    """What a verdict shows of its recall."""

    number: str
    title: str
    url: str
    recall_date: str
    models: tuple[str, ...]


class Entry(NamedTuple):
    """One identifier of one recall, with the serial rules that apply to it."""

    recall: int  # position in LookupIndex.recalls
    value: str
    normalized: str
    kind: str
    product_name: str
    where_printed: str
    rules: tuple[Rule, ...]


def upc_canonical(digits: str) -> str:
    """A 13-digit EAN that starts with 0 is the 12-digit UPC-A after it."""
    if len(digits) == 13 and digits.startswith("0"):
        return digits[1:]
    return digits


def typo_third(length: int) -> int:
    """The length of the parts A and C of a code (B is the rest, maybe empty)."""
    return (length + 2) // 3


def typo_rotated(code: str) -> str:
    """C + A + B: sorts the codes by their two ends."""
    third = typo_third(len(code))
    return code[-third:] + code[:-third]


def within_one_edit(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours turns a into b."""
    la, lb = len(a), len(b)
    if la < lb:
        a, b, la, lb = b, a, lb, la
    if la - lb > 1:
        return False
    i = 0
    while i < lb and a[i] == b[i]:
        i += 1
    if la != lb:
        return a[i + 1 :] == b[i:]
    if i == la:
        return False
    if a[i + 1 :] == b[i + 1 :]:
        return True
    return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]


def held_all(held) -> list:
    """A dict value of this index as a list: one item is stored bare, several in a list."""
    if held is None:
        return []
    if type(held) is list:
        return held
    return [held]


class Columns(NamedTuple):
    """Identifier i is recall[i], value[i] (None: same as its code), kind[i], ..."""

    recall: array  # position in LookupIndex.recalls
    value: list  # as printed, or None when equal to the normalized code
    kind: array  # index in KINDS
    product: array  # index in strings
    where: array  # index in strings
    rules: array  # index in rule_sets
    strings: list[str]
    rule_sets: list[tuple[Rule, ...]]


class LookupIndex:
    """Immutable once built; every method only reads."""

    __slots__ = (
        "recalls",
        "columns",
        "exact",
        "confusable",
        "typo_keys",
        "upc",
        "text",
    )

    def __init__(
        self,
        *,
        recalls: tuple[RecallCard, ...],
        columns: Columns,
        exact: dict,
        confusable: dict,
        typo_keys: dict[int, tuple[list[str], list[str], list[str]]],
        upc: dict,
        text: TextIndex,
    ) -> None:
        self.recalls = recalls
        self.columns = columns
        self.exact = exact
        self.confusable = confusable
        self.typo_keys = typo_keys
        self.upc = upc
        self.text = text

    def __len__(self) -> int:
        return len(self.columns.recall)

    def _entry(self, number: int, code: str) -> Entry:
        c = self.columns
        value = c.value[number]
        return Entry(
            c.recall[number],
            code if value is None else value,
            code,
            KINDS[c.kind[number]],
            c.strings[c.product[number]],
            c.strings[c.where[number]],
            c.rule_sets[c.rules[number]],
        )

    def entries_exact(self, normalized: str) -> list[Entry]:
        return [self._entry(n, normalized) for n in held_all(self.exact.get(normalized))]

    def entries_upc(self, canonical: str) -> list[Entry]:
        return [self._entry(n, canonical) for n in held_all(self.upc.get(canonical))]

    def _names_non_upc(self, code: str) -> bool:
        kinds = self.columns.kind
        return any(kinds[n] != UPC_CODE for n in held_all(self.exact.get(code)))

    def codes_confusable(self, normalized: str) -> list[str]:
        """Known codes that differ from this one only by confusable characters."""
        key = confusable_key(normalized)
        found = [c for c in held_all(self.confusable.get(key)) if c != normalized]
        if key != normalized and key in self.exact:
            found.append(key)
        return found

    def codes_one_edit(self, normalized: str) -> list[str]:
        """Known codes one typo away (not UPCs); bounded work per query."""
        q = normalized
        m = len(q)
        if m < TYPO_MIN_LENGTH:
            return []
        found: dict[str, None] = {}
        reversed_q = q[::-1]
        for n in (m - 1, m, m + 1):
            held = self.typo_keys.get(n)
            if held is None:
                continue
            forwards, backwards, rotated = held
            third = typo_third(n)
            for keys, probe, how in (
                (forwards, q[: n - third], 0),  # the edit is in C
                (backwards, reversed_q[: n - third], 1),  # in A
                (rotated, q[m - third :] + q[:third], 2),  # in B
            ):
                start = bisect_left(keys, probe)
                bound = min(len(keys), start + CANDIDATES_CHECKED)
                stop = bisect_left(keys, probe + "~", start, bound)
                for key in keys[start:stop]:
                    code = key if how == 0 else key[::-1] if how == 1 else key[third:] + key[:third]
                    if code != q and code not in found and within_one_edit(q, code):
                        found[code] = None
        # Swapped neighbours across the middle escape both halves; try each swap directly.
        exact = self.exact
        for i in range(m - 1):
            swapped = q[:i] + q[i + 1] + q[i] + q[i + 2 :]
            if (
                swapped in exact
                and swapped != q
                and swapped not in found
                and self._names_non_upc(swapped)
            ):
                found[swapped] = None
        return list(found)

    def code_before_suffix(self, normalized: str) -> tuple[str, str] | None:
        """(known model, suffix) when the query is a known model plus a short retail suffix."""
        q = normalized
        kinds = self.columns.kind
        wanted = (KIND_CODE[MODEL], KIND_CODE[ITEM])
        for cut in range(len(q) - 1, SUFFIX_MIN_MODEL_LENGTH - 1, -1):
            suffix = q[cut:]
            if len(suffix) > SUFFIX_MAX_LENGTH:
                break
            if not suffix[0].isalpha():
                continue
            base = q[:cut]
            held = self.exact.get(base)
            if held is None or not any(ch.isdigit() for ch in base):
                continue
            if any(kinds[n] in wanted for n in held_all(held)):
                return base, suffix
        return None
