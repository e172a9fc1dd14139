"""Where on the product a code is printed: "on the bottom of the charging stand"."""

import re

_VERBS = (
    r"printed|located|found|stamped|engraved|etched|embossed|marked|molded|moulded|listed|"
    r"displayed|affixed|imprinted|written|shown|sewn|labell?ed|visible|attached|appears?|placed|"
    r"identified|indicated|noted"
)
_PLACE = re.compile(
    rf"\b(?:(?:{_VERBS})\s+(?:(?:also|only|either)\s+)?|(?:is|are)\s+(?:also\s+)?(?=on\s+the\b))"
    r"(?P<where>(?:on|in|inside|under|underneath|at|along|near|beneath|behind|onto|within|next\s+to)\b"
    r".*?)"
    r"(?=\s+(?:and\s+(?:is|are|can|the|has|have)|while|but|which|where|if)\b|,\s+(?:and|while|but|which)\b"
    r"|[.;:]\s|[.;:]?$)",
    re.IGNORECASE,
)
_NOT_A_PLACE = re.compile(
    r"^(?:in|on)\s+(?:this|the)\s+recall\b|^in\s+(?:\w+\s+)?colou?rs?\b", re.IGNORECASE
)
_SUBJECTS = {
    kind: re.compile(pattern, re.IGNORECASE)
    for kind, pattern in {
        "model": r"\bmodel\s*(?:numbers?|no\.?|#|name\s*(?:and|/)\s*numbers?|information)?\b",
        "item": r"\b(?:item|sku|style|part|product)\s*(?:numbers?|no\.?|#|codes?)?\b",
        "upc": r"\b(?:UPCs?|bar\s?codes?)\b",
        "fcc_id": r"\bFCC\b",
        "serial": r"\b(?:serial|lot|batch|date\s*codes?|production\s+dates?|"
        r"manufactur\w*\s+dates?)\b",
    }.items()
}
MAX_LENGTH = 300


def place_in(sentence: str) -> str:
    """The first place named in a sentence, or "" when it names none."""
    for match in _PLACE.finditer(sentence):
        place = match.group("where").strip(' ,.;:”"')
        if place and not _NOT_A_PLACE.match(place):
            return place[:MAX_LENGTH]
    return ""


def subjects_of(sentence: str) -> set[str]:
    """Which kinds of codes a sentence speaks about: model, item, upc, fcc_id, serial."""
    return {kind for kind, pattern in _SUBJECTS.items() if pattern.search(sentence)}
