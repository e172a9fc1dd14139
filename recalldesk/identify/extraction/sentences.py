"""Recall text cut into sentences, each kept as published so it can be shown as evidence."""

import html
import re

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
# Web and mail addresses hold dots that are not sentence ends.
_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|gov|org|net)\b/?\S*"
)
# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "no",
        "nos",
        "mo",
        "inc",
        "co",
        "corp",
        "ltd",
        "llc",
        "jr",
        "sr",
        "st",
        "dr",
        "mr",
        "mrs",
        "ms",
        "vs",
        "approx",
        "oz",
        "lb",
        "lbs",
        "ft",
        "u.s",
        "e.g",
        "i.e",
        "etc",
        "fig",
        "dept",
        "mfg",
        "est",
    }
)
_END = re.compile(r"[.!?](?:[”\"’')\]]*)")
_NEXT_STARTS = re.compile(r"\s*[“\"‘'(]?[A-Z0-9]")
_GLUED_START = re.compile(r"[A-Z][a-z]")


def clean(text: str | None) -> str:
    """Text as read: entities decoded, invisible characters and runs of spaces gone."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", html.unescape(str(text)))
    return _SPACES.sub(" ", text).strip()


def split_sentences(text: str | None) -> list[str]:
    """Sentences of a recall text; a sentence glued to the next ("recall.Note:") is cut too."""
    text = clean(text)
    if not text:
        return []
    protected = [False] * len(text)
    for match in _ADDRESS.finditer(text):
        for i in range(match.start(), match.end()):
            protected[i] = True
    sentences: list[str] = []
    start = 0
    for line_start, line in _lines(text):
        start = line_start
        for match in _END.finditer(line):
            position = line_start + match.start()
            if protected[position] or not _ends_sentence(line, match):
                continue
            end = line_start + match.end()
            sentences.append(text[start:end])
            start = end
        sentences.append(text[start : line_start + len(line)])
    return [s.strip() for s in sentences if s.strip()]


def _lines(text: str):
    position = 0
    for line in text.split("\n"):
        yield position, line
        position += len(line) + 1


def _ends_sentence(line: str, match: re.Match) -> bool:
    rest = line[match.end() :]
    if not rest.strip():
        return True
    if line[match.start()] == "." and _word_before(line, match.start()) in _ABBREVIATIONS:
        return False
    if rest[:1].isspace():
        return bool(_NEXT_STARTS.match(rest))
    # A period touching the next word: "recall.Note:" ends; "SH.20.006B02" and "3.5" do not.
    before = line[match.start() - 1 : match.start()]
    return before.isalpha() and before.islower() and bool(_GLUED_START.match(rest))


def _word_before(line: str, position: int) -> str:
    start = position
    while start > 0 and (line[start - 1].isalpha() or line[start - 1] == "."):
        start -= 1
    return line[start:position].lower()
