"""Firm names as recalls publish them: 'Belkin International Inc., of El Segundo, California'."""

import re
from dataclasses import dataclass

from recalldesk.registry.sources.parsing import clean_text, plain_quotes, words
from recalldesk.registry.sources.places import is_place


@dataclass(frozen=True)
class FirmName:
    """A firm as named in a recall: its name, where it is, and the key that finds it again."""

    name: str
    location: str
    key: str


# Legal forms dropped from a firm's key wherever they stand: "Co. Ltd." or "Inc" say nothing
# about which firm it is.
_LEGAL_WORDS = words(
    """inc incorporated llc lllp llp ltd limited corp corporation co company plc gmbh pty
    bhd sdn pte pvt ulc pllc"""
)
# Short legal forms that are also words ("as", "sa"): dropped only at the end of a name.
_LEGAL_ENDINGS = words("ag sa sas srl spa bv nv kg oy ab as lp se sl kft")
_COMMA_OF = re.compile(r",\s*of\b\s*", re.IGNORECASE)
_PLAIN_OF = re.compile(r"\s+of\s+(?=[A-Z])")
_LOCATION_END = re.compile(
    r"\s*(?:\(|,?\s+for\s|,\s*(?:doing business|dba|d/b/a|through|owner|a subsidiary)\b|"
    r"\s+doing business\b|;).*$",
    re.IGNORECASE | re.DOTALL,
)
_PARENTHESES = re.compile(r"\([^()]*\)")
_SPLIT_FIRMS = re.compile(r";\s*(?:and\s+)?|\n+")
_AND = re.compile(r",?\s+and\s+")


def firm_key(name: str) -> str:
    """'Belkin International, Inc.' and 'Belkin International Inc' give the same key."""
    text = plain_quotes(clean_text(name)).casefold().replace("&", " and ")
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # "l.l.c." -> "llc", "d.b.a." -> "dba"
    text = re.sub(r"\bd\s*/\s*b\s*/\s*a\b/?|\bdoing business as\b", " dba ", text)
    tokens = re.sub(r"[^\w]+", " ", text).split()
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    kept = [t for t in tokens if t not in _LEGAL_WORDS]
    while len(kept) > 1 and kept[-1] in _LEGAL_ENDINGS:
        kept.pop()
    return " ".join(kept or tokens)[:300]


def _ends_with_legal_form(name: str) -> bool:
    last = re.sub(r"[^\w]+", " ", name.casefold()).split()
    return bool(last) and (last[-1] in _LEGAL_WORDS or last[-1] in _LEGAL_ENDINGS)


def _split_location(text: str) -> tuple[str, str]:
    """Name and location of one firm, cutting at ', of' (or ' of' after 'LLC' and the like)."""
    flat = _PARENTHESES.sub(" ", text)
    match = _COMMA_OF.search(flat)
    if match is None:
        for candidate in _PLAIN_OF.finditer(flat):
            rest = _LOCATION_END.sub("", flat[candidate.end() :]).strip(" .,")
            if _ends_with_legal_form(flat[: candidate.start()]) or is_place(
                rest.split(",")[-1].strip()
            ):
                match = candidate
                break
    if match is None:
        # "Spartan Mowers, Batesville, Arkansas": a place without "of".
        parts = [p.strip() for p in flat.split(",")]
        if len(parts) >= 3 and is_place(parts[-1]) and not _ends_with_legal_form(parts[-2]):
            return ", ".join(parts[:-2]), ", ".join(parts[-2:])
        return flat, ""
    name = flat[: match.start()]
    location = _LOCATION_END.sub("", flat[match.end() :])
    return name, location


def parse_firm_name(value: object) -> FirmName:
    """'Belkin International Inc., of El Segundo, California' -> the name and the place."""
    text = " ".join(plain_quotes(clean_text(value)).split())
    name, location = _split_location(text)
    name = re.sub(r"\s*,\s*(?=,|$)", "", " ".join(name.split())).strip(" ,;:")
    location = " ".join(location.split()).strip(" ,;:.")
    name = name or text.strip(" ,;:")
    return FirmName(name=name[:300], location=location[:300], key=firm_key(name))


def split_firms(value: object) -> list[str]:
    """Each firm in a field that may name several ('X, of A, and Y, of B; and Z, of C')."""
    text = clean_text(value)
    firms: list[str] = []
    for part in _SPLIT_FIRMS.split(text):
        pieces = [part]
        # Split at "and" only between two firms that each give a place: 'Stanley Black and
        # Decker Inc., of New Britain' stays whole.
        for match in reversed(list(_AND.finditer(part))):
            left, right = part[: match.start()], part[match.end() :]
            if re.search(r"\bof\s+[A-Z]", left) and re.search(r"\bof\s+[A-Z]", right):
                pieces = split_firms(left) + [right]
                break
        firms.extend(p.strip(" ,;.") for p in pieces if p.strip(" ,;."))
    return firms
