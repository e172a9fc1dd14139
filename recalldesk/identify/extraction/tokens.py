"""Code-like words of a sentence, with flattened table cells cut apart.

CPSC descriptions often hold tables whose cells were concatenated without spaces
("...Pool672875005895NB19791Blue Wave..."); the cuts here undo that where the text shows it.
"""

import re
from dataclasses import dataclass

from .upc import upc_in

# Spans that hold no identifier; they are blanked so no list runs across them.
_MASKS = [
    re.compile(
        r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|gov|org|net)\b/?\S*"
    ),
    re.compile(r"\$\s?\d[\d,]*(?:\.\d{2})?"),
    re.compile(r"\(?\b\d{3}\)?[-. ]\d{3}[-.]\d{4}\b"),
]
# "Dec 2015 - Apr 2019PA155": a year after a month name ends there, whatever is glued to it.
_MONTH_YEAR = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(?:19|20)\d{2}(?=[A-Z0-9])"
)
# Column names glued to their first cell: "UPC25069", "58949UPC".
_HEADER_WORD = re.compile(r"(?<=[A-Za-z0-9])(?:UPC|SKU)(?![a-z])|(?:UPC|SKU)(?=[A-Z0-9])")
# In a table with a model year column, a year glued to the next cell: "2022FE 350", "BT2023FE".
_GLUED_YEAR = re.compile(
    r"(?<![0-9])(?:19|20)\d{2}(?=[A-Z]{2})|(?<=\d{3})(?:19|20)\d{2}(?=[A-Z]{2})"
)
_PAREN = re.compile(r"[()]")
_LOWER_THEN_CODE = re.compile(r"[a-z](?=[A-Z0-9])")
_CODE_THEN_WORD = re.compile(r"(?<=[A-Z0-9])[A-Z](?=[a-z]{2})")
_DIGIT_THEN_WORD = re.compile(r"(?<=\d)[A-Z](?=[a-z])")
_UNIT_WORDS = frozenset(
    ["ah", "wh", "mah", "kwh", "hz", "khz", "mhz", "ghz", "mm", "cm", "ml", "mg", "kg", "lb", "oz"]
)
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-./_][A-Za-z0-9]+)*")
# Only double quotes pair up: single ones are mostly apostrophes (children’s).
_SIZE_CELL = re.compile(r"^\d+(?:\.\d+)?[A-Za-z]{1,3}$")
_OPENING = "“"
_CLOSING = "”"
BARRIER = "~"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    quoted: bool = False


@dataclass
class PreparedSentence:
    sentence: str
    masked: str
    tokens: list[Token]

    def gap(self, index: int) -> str:
        """The text between token index-1 and token index (the sentence start for the first)."""
        start = self.tokens[index - 1].end if index > 0 else 0
        return self.masked[start : self.tokens[index].start]


def prepare(
    sentence: str,
    known: frozenset[str] = frozenset(),
    upc_context: bool = False,
    code_before_upc: bool = False,
    in_table: bool = False,
) -> PreparedSentence:
    """Tokens of one sentence; in a table, codes named elsewhere are cut off glued cells."""
    masked = _mask(sentence)
    # Glued cells come from flattened tables; in prose a code is left whole.
    families = _families(known) if in_table else []
    known = known if in_table else frozenset()
    quoted_spans, masked = _quotes_and_inches(masked)
    cuts = _glue_cuts(masked)
    tokens: list[Token] = []
    for match in _WORD.finditer(masked):
        quoted = bool(quoted_spans) and any(
            a <= match.start() and match.end() <= b for a, b in quoted_spans
        )
        for start, end in _cut(match.start(), match.end(), cuts, masked):
            if not _has_digit(masked[start:end]):
                # Words hold no glued codes: only cells with digits need the cuts below.
                tokens.append(Token(masked[start:end], start, end, quoted))
                continue
            for piece in _split_repeats(masked, start, end):
                # A UPC proves itself by its check digit, so it is cut out before guesses.
                split = _split_upc(masked, *piece, code_before_upc) if upc_context else [piece]
                for cell in split:
                    for a, b in _split_families(masked, *cell, families, known):
                        tokens.append(Token(masked[a:b], a, b, quoted))
    return PreparedSentence(sentence, masked, tokens)


def _mask(text: str) -> str:
    chars = list(text)
    for pattern in _MASKS:
        for match in pattern.finditer(text):
            for i in range(match.start(), match.end()):
                chars[i] = BARRIER
    return "".join(chars)


def _quotes_and_inches(text: str) -> tuple[list[tuple[int, int]], str]:
    """Spans inside paired quotes; an unpaired ” after a number is an inch mark and is blanked."""
    chars = list(text)
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for i, char in enumerate(text):
        is_straight = char == '"'
        if char in _OPENING or (is_straight and open_at is None and not _after_digit(text, i)):
            open_at = i
        elif char in _CLOSING or is_straight:
            if open_at is not None and i - open_at <= 120:
                spans.append((open_at + 1, i))
                open_at = None
            elif _after_digit(text, i):
                _blank_number_before(chars, i)
    return spans, "".join(chars)


def _after_digit(text: str, i: int) -> bool:
    return i > 0 and text[i - 1].isdigit()


def _blank_number_before(chars: list[str], i: int) -> None:
    """72” glued to a table cell ("10138977BLMB72”") is a length, not part of the code."""
    j = i
    while j > 0 and (chars[j - 1].isdigit() or chars[j - 1] == "."):
        j -= 1
    for k in range(j, i + 1):
        chars[k] = " "


def _glue_cuts(text: str) -> set[int]:
    """Positions where a flattened table glued a word to a code or a code to a word."""
    cuts = {match.end() for match in _MONTH_YEAR.finditer(text)}
    cuts |= {match.start() for match in _HEADER_WORD.finditer(text)}
    cuts |= {match.end() for match in _HEADER_WORD.finditer(text)}
    if "Year" in text:
        for match in _GLUED_YEAR.finditer(text):
            cuts |= {match.start(), match.end()}
    cuts |= {m.start() for m in _PAREN.finditer(text)} | {m.end() for m in _PAREN.finditer(text)}
    cuts |= {m.end() for m in _LOWER_THEN_CODE.finditer(text) if _word_tail(text, m.end())}
    cuts |= {m.start() for m in _CODE_THEN_WORD.finditer(text)}
    cuts |= {m.start() for m in _DIGIT_THEN_WORD.finditer(text) if _short_word_at(text, m.start())}
    return cuts


def _word_tail(text: str, i: int) -> bool:
    """True when text[:i] ends in a real word: three letters or more, the last two lower case."""
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    word = text[j:i]
    if len(word) < 3 or not word[-2:].islower():
        return False
    # "Door-Gen1-123" is one code: a word joined by a dash belongs to it.
    return not (j > 0 and text[j - 1] in "-./_")


def _short_word_at(text: str, i: int) -> bool:
    """ "46791My Look": a digit, then a short capitalized word that is not a unit (8Ah, 288Wh)."""
    if not (text[i].isupper() and i + 1 < len(text) and text[i + 1].islower()):
        return False
    j = i + 1
    while j < len(text) and text[j].isalpha():
        j += 1
    return text[i:j].lower() not in _UNIT_WORDS


def _cut(start: int, end: int, cuts: set[int], text: str):
    pieces = []
    piece_start = start
    for i in range(start + 1, end):
        if i in cuts:
            pieces.append((piece_start, i))
            piece_start = i
    pieces.append((piece_start, end))
    for a, b in pieces:
        while a < b and text[a] in "-./_":
            a += 1
        while b > a and text[b - 1] in "-./_":
            b -= 1
        if a < b:
            yield a, b


def _split_repeats(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cells of one column glued together start alike: NE58...AANE63..., PA044936PA147874."""
    word = text[start:end]
    stutter = _stutter(word)
    if stutter:
        # "PAPA110": a group cell "PA" glued to the code PA110 of the next cell.
        return [(start, start + stutter), *_split_repeats(text, start + stutter, end)]
    if len(word) < 10:
        return [(start, end)]
    head = _leading_letters(word)
    if len(head) < 2:
        if len(word) < 14 or not word[:3].isdigit():
            return [(start, end)]
        head = word[:3]
    positions = [0]
    search = 5
    while True:
        found = word.find(head, search)
        if found < 0:
            break
        if found + len(head) < len(word) and word[found + len(head)].isalnum():
            positions.append(found)
        search = found + 1
    positions.append(len(word))
    pieces = [(positions[k], positions[k + 1]) for k in range(len(positions) - 1)]
    if len(pieces) == 1 or any(b - a < 4 or not _has_digit(word[a:b]) for a, b in pieces):
        return [(start, end)]
    return [(start + a, start + b) for a, b in pieces]


def _stutter(word: str) -> int:
    """Length of the first half of a doubled capital prefix: PAPA110 -> 2, PTEPTE110LP -> 3."""
    letters = 0
    while letters < len(word) and word[letters].isupper():
        letters += 1
    if letters == len(word) or not word[letters].isdigit():
        return 0
    half = letters // 2
    if letters % 2 or half < 2 or len(set(word[:half])) == 1:
        return 0
    return half if word[:half] == word[half:letters] else 0


def _leading_letters(word: str) -> str:
    end = 0
    while end < len(word) and word[end].isalpha() and word[end].isupper():
        end += 1
    return word[:end] if end < len(word) and word[end].isdigit() else ""


def _peel_known(text: str, start: int, end: int, known: frozenset[str]):
    """A cell glued to a code named elsewhere in the text is cut off it: 330LK970514501."""
    word = text[start:end]
    if len(word) < 6:
        return [(start, end)]
    for code in sorted(known, key=lambda c: (-len(c), c)):
        if len(code) < 4 or len(word) - len(code) < 2:
            continue
        if word.startswith(code) and _is_cell(word[len(code) :]):
            return [(start, start + len(code)), (start + len(code), end)]
        if word.endswith(code) and _is_cell(word[: -len(code)]):
            return [(start, end - len(code)), (end - len(code), end)]
    return [(start, end)]


def _split_upc(text: str, start: int, end: int, code_before_upc: bool) -> list[tuple[int, int]]:
    """A UPC cell glued to its neighbours: Pool672875005895NB19791, 1000199850067300199."""
    found = upc_in(text[start:end], code_before_upc)
    if not found:
        return [(start, end)]
    a, b = start + found[0], start + found[1]
    return [(x, y) for x, y in ((start, a), (a, b), (b, end)) if y > x]


def _families(known: frozenset[str]) -> list[re.Pattern]:
    """How codes named elsewhere begin: EB3608B2S -> "EB" then a digit; ZBL-36V8AH -> "ZBL-"."""
    patterns = {}
    for code in sorted(known):
        size = 0
        while size < len(code) and code[size].isalpha() and code[size].isupper():
            size += 1
        if size >= 2 and size < len(code) and (code[size].isdigit() or code[size] == "-"):
            follower = r"\d" if code[size].isdigit() else "-"
            patterns[code[:size] + follower] = re.compile(re.escape(code[:size]) + follower)
    return list(patterns.values())


def _split_families(
    text: str, start: int, end: int, families: list[re.Pattern], known: frozenset[str]
):
    """A list cell glued to the next one that starts like a code seen elsewhere: C26WT0261."""
    pieces = [(start, end)]
    for family in families:
        cut_pieces = []
        for a, b in pieces:
            cut = next(
                (
                    m.start()
                    for m in family.finditer(text, a + 3, b)
                    if text[m.start() - 1].isalnum()
                    and b - m.start() >= 4
                    and _has_digit(text[a : m.start()])
                    and _has_digit(text[m.start() : b])
                ),
                None,
            )
            cut_pieces += [(a, cut), (cut, b)] if cut else [(a, b)]
        pieces = cut_pieces
    return [p for piece in pieces for p in _peel_known(text, *piece, known)]


def _is_cell(rest: str) -> bool:
    """What is left after peeling: another cell (4 characters or more) or a size (5L, 12.8L)."""
    if not (_has_digit(rest) and rest[0].isalnum() and rest[-1].isalnum()):
        return False
    return len(rest) >= 4 or bool(_SIZE_CELL.match(rest))


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)
