"""Free-text search over recalls: whole words, ranked BM25F-style (title and products weigh more).

Posting lists are stored impact-ordered and cut to the best POSTINGS_KEPT documents per word, so
a query reads a bounded number of postings however large the catalog grows.
"""

import heapq
import math
import re
from array import array
from collections.abc import Callable, Iterable
from operator import itemgetter

_WORD = re.compile(r"[^\W_]+")
# Words in nearly every recall title or that carry no meaning in a search box.
STOP_WORDS = frozenset(
    (
        *("a", "an", "and", "are", "as", "at", "be", "by", "due", "for", "from", "in", "into"),
        *("is", "it", "its", "of", "on", "or", "the", "to", "with", "recall", "recalls"),
        *("recalled", "hazard", "hazards", "risk", "risks"),
    )
)
FIELD_WEIGHTS = (3.0, 3.0, 2.0, 1.0)  # title, product names, firm names, description
K1 = 1.2
B = 0.5
POSTINGS_KEPT = 256
POSTINGS_READ = 64
# Added once per query word a recall holds: far above any score, so more words always win.
MATCHED_WORD = 1_000_000.0
# Added to a word's score in a recall whose title or product names hold it: among recalls
# holding as many of the words, those that are about them come before those that mention them.
NAMED_WORD = 1_000.0
MAX_QUERY_WORDS = 12


def word_stem(word: str) -> str:
    """A plural folded to its singular, so "power banks" finds "power bank"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_LEADING_LETTERS = re.compile(r"[^\W\d_]{4,}(?=\d)")


def word_forms(raw: str) -> tuple[str, ...]:
    """A lower-case word as indexed: its stem, and for a name glued to a number (cameleon3)
    the name alone too. Never any other part of a word: "art" is not in "smart"."""
    if raw in STOP_WORDS:
        return ()
    if raw.isalpha():
        return (word_stem(raw),)
    leading = _LEADING_LETTERS.match(raw)
    return (raw, leading.group(0)) if leading else (raw,)


def text_words(text: str) -> list[str]:
    """The words of a text as the index spells them: lower case, whole words, no stop words."""
    return [form for raw in _WORD.findall(text.lower()) for form in word_forms(raw)]


class TextIndex:
    """Impact-ordered posting lists: word -> (recall positions, scores), best first; and for
    the common words (longer lists than a query reads) the same as a dict, to look recalls up."""

    __slots__ = ("postings", "common", "documents")

    def __init__(self, postings: dict[str, tuple[array, array]], documents: int) -> None:
        self.postings = postings
        self.common = {
            word: dict(zip(positions, impacts, strict=True))
            for word, (positions, impacts) in postings.items()
            if len(positions) > POSTINGS_READ
        }
        self.documents = documents

    def search(self, query: str, *, limit: int = 10) -> list[tuple[int, float]]:
        """Best recalls for the words: (recall position, score), best first."""
        words = list(dict.fromkeys(text_words(query)))[:MAX_QUERY_WORDS]
        found = sorted(
            ((w, p) for w, p in zip(words, map(self.postings.get, words), strict=True) if p),
            key=lambda item: len(item[1][0]),
        )
        if not found:
            return []
        if len(found) == 1:
            # Postings are stored best first: one word needs no ranking at all.
            positions, impacts = found[0][1]
            return list(zip(positions[:limit], impacts[:limit], strict=True))
        scores: dict[int, float] = {}
        get = scores.get
        # The rarest word is read whole: a recall holding every word is among its recalls.
        _, (rare_positions, rare_impacts) = found[0]
        for position, impact in zip(rare_positions, rare_impacts, strict=True):
            scores[position] = impact + MATCHED_WORD
        for word, (positions, impacts) in found[1:]:
            read = positions[:POSTINGS_READ]
            for position, impact in zip(read, impacts[:POSTINGS_READ], strict=True):
                # A recall matching more of the words comes first; the score breaks ties.
                scores[position] = get(position, 0.0) + impact + MATCHED_WORD
            table = self.common.get(word)
            if table is not None:
                # A common word read only in part: credit the rare word's recalls holding it.
                seen = set(read)
                for position in rare_positions:
                    if position not in seen:
                        impact = table.get(position)
                        if impact is not None:
                            scores[position] += impact + MATCHED_WORD
        return heapq.nlargest(limit, scores.items(), key=itemgetter(1))


def text_index_build(
    documents: Iterable[tuple[str, str, str, str]], *, skip: Callable[[str], bool] | None = None
) -> TextIndex:
    """Index (title, product names, firm names, description) per recall, in recall order.

    skip(word) is asked about words holding a digit; True leaves the word out.
    """
    documents = list(documents)
    count = len(documents)
    if not count:
        return TextIndex({}, 0)
    average = [max(1.0, sum(len(d[f]) for d in documents) / count) for f in range(4)]
    forms_of: dict[str, tuple[str, ...]] = {}
    findall = _WORD.findall
    growing: dict[str, tuple[array, array]] = {}
    for position, document in enumerate(documents):
        weighted: dict[str, float] = {}
        named: set[str] = set()
        for field, text in enumerate(document):
            if not text:
                continue
            # Length measured in characters: cheap, and proportional enough to words.
            weight = FIELD_WEIGHTS[field] / (1 - B + B * len(text) / average[field])
            for raw in findall(text.lower()):
                forms = forms_of.get(raw)
                if forms is None:
                    forms = forms_of[raw] = _indexed_forms(raw, skip)
                for word in forms:
                    weighted[word] = weighted.get(word, 0.0) + weight
                    if field < 2:
                        named.add(word)
        for word, frequency in weighted.items():
            posting = growing.get(word)
            if posting is None:
                posting = growing[word] = (array("I"), array("f"))
            posting[0].append(position)
            score = frequency * (K1 + 1) / (frequency + K1)
            # A negative score marks "named": idf is not known yet, the mark must survive it.
            posting[1].append(-score if word in named else score)
    postings: dict[str, tuple[array, array]] = {}
    for word, (positions, impacts) in growing.items():
        found_in = len(positions)
        idf = math.log(1 + (count - found_in + 0.5) / (found_in + 0.5))
        final = [-i * idf + NAMED_WORD if i < 0 else i * idf for i in impacts]
        if found_in > POSTINGS_KEPT:
            best = heapq.nlargest(
                POSTINGS_KEPT, zip(positions, final, strict=True), key=itemgetter(1)
            )
        else:
            best = sorted(zip(positions, final, strict=True), key=itemgetter(1), reverse=True)
        postings[word] = (array("I", [p for p, _ in best]), array("f", [i for _, i in best]))
    return TextIndex(postings, count)


def _indexed_forms(raw: str, skip: Callable[[str], bool] | None) -> tuple[str, ...]:
    """The forms indexed for a word: none for a stop word or a skipped code."""
    if skip is not None and not raw.isalpha() and skip(raw):
        return ()
    return word_forms(raw)
