"""One spelling for identifiers, shared by extraction and lookup."""

import re

_SEPARATORS = re.compile(r"[\s\-./\\_]+")
_NOT_CODE = re.compile(r"[^0-9A-Z]")


def normalize_identifier(value: str | None) -> str:
    """Upper case, without spaces, dashes, dots, slashes: "mma-008" and "MMA 008" are MMA008."""
    if not value:
        return ""
    text = _SEPARATORS.sub("", str(value).upper())
    return _NOT_CODE.sub("", text)[:100]


# Characters people and OCR confuse; each maps to one canonical character.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"})


def confusable_key(normalized: str) -> str:
    """A key equal for codes that differ only by O/0, I/1/L, S/5, B/8, Z/2."""
    return normalized.translate(_CONFUSABLE)
