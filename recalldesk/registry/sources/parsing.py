"""Small parsers for the text that recall sources publish."""

import html
import re

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


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
