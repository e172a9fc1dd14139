"""The 'Sold At' sentence: retailers, the months of sale and the price range.

"Best Buy, Target, Walmart and other stores nationwide and online at Belkin.com, Amazon.com and
on Tiktok from August 2020 through August 2025 for between $29 and $180."
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from recalldesk.registry.sources.parsing import (
    MONTH_PATTERN,
    MONTHS,
    clean_text,
    plain_quotes,
    words,
)
from recalldesk.registry.sources.places import is_place


@dataclass(frozen=True)
class SoldAt:
    text: str
    retailers: list[str] = field(default_factory=list)
    sold_from: dt.date | None = None
    sold_to: dt.date | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str = ""


_YEAR = r"(?:19|20)\d\d"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?,?\s+"


def _month_year(prefix: str) -> str:
    return rf"(?:(?P<{prefix}m>{MONTH_PATTERN})\s+(?:{_DAY})?(?:of\s+)?)?(?P<{prefix}y>{_YEAR})\b"


_PERIOD = re.compile(
    r"\b(?P<start>from|between|since|starting(?:\s+in)?|beginning(?:\s+in)?|as\s+early\s+as|in)\s+"
    + _month_year("a")
    + r"(?:\s*(?:through|thru|to|until|till|and|-|–|—)\s+(?:(?:the\s+)?(?P<now>present|now|today)|"
    + _month_year("b")
    + "))?",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"(?P<currency>US\s?\$|CA\s?\$|C\$|CAD\s?\$?|USD\s?\$?|\$)\s?"
    r"(?P<amount>\d{1,3}(?:,\d{3})+(?!\d)|\d{1,9})(?:\.(?P<cents>\d{1,2}))?(?!\d)",
    re.IGNORECASE,
)
_CUT = re.compile(
    rf"\b(?:(?:from|between|since|beginning|starting|through|until|in)\s+)?"
    rf"(?:{MONTH_PATTERN}\s+(?:{_DAY})?)?{_YEAR}\b|\bfor\s+(?:about|between|around|approximately|roughly|under|up\s+to|"
    r"less\s+than|more\s+than|from|\$)|\bdepending\b|\$",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[a-z0-9)\]])\.\s+(?=[A-Z])")
_PARENTHESES = re.compile(r"\([^()]*\)")
_DOMAIN = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<domain>[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:com|net|org|shop|store|us|ca|co|io|biz|info))\b(?:/[^\s,;]*)?",
    re.IGNORECASE,
)
_WORDS_BEFORE = re.compile(r"(?:(?<=\s)|^)(?:[A-Z][\w'&-]*\s+)+$")
_ITEM_SPLIT = re.compile(r"[,;:]|\s+(?:and|or|as\s+well\s+as|plus|including)\s+", re.IGNORECASE)
_PLACE_INTRO = re.compile(r"(?:\s+in\s+|,\s*of\s+|\s+of\s+|,\s*)(?:the\s+)?(?=[A-Z])")
_CAPITALIZED = re.compile(r"[A-Z][\w'.&-]*(?:\s+(?:of\s+)?[A-Z][\w'.&-]*)*")
_LIST_GLUE = re.compile(r",?\s*(?:and\s+)?|\s+and\s+")
_STATES_PHRASE = re.compile(
    r"\s+in\s+(?:\d+|all|several|many|select|most)\s+states(?:\s+and\s+(?:in\s+)?the\s+"
    r"District\s+of\s+Columbia)?",
    re.IGNORECASE,
)
_SOLD_VIA = re.compile(
    r"\b(?:sold|available|purchased)\s+(?:(?:only|exclusively|online|in\s+stores)\s+)*"
    r"(?:at|on|through|by|via)\s+",
    re.IGNORECASE,
)
_STORE_NOUNS = words(
    "stores store showrooms showroom dealers dealerships locations outlets retailers websites "
    "website"
)
_CONNECTORS = {"&", "+", "of", "a", "the", "de", "du", "la", "n", "'n'", "-"}
# Words that start a list item without naming a retailer.
_FILLER = words(
    """online only exclusively exclusive sold at on in via through and also other select
    stores store retailers retailer and/or nationwide websites website authorized certified
    independent participating various local specialty small"""
)
# Adjectives that start an item only when a common noun follows: "all stores", not "All Star".
_FILLER_BEFORE_LOWERCASE = {"all", "most", "many", "some", "other"}
_GENERIC = words(
    """all other independent authorized various select specialty local many most some major
    stores store retailers retailer dealers dealer dealerships showrooms showroom shops shop
    websites website online nationwide products product sets set units retail department
    outlets outlet branches locations ski gear plumbing supply furniture lighting kitchen
    appliance hardware sporting goods grocery groceries toy toys baby boutique boutiques bike
    bicycle bikes home improvement e-commerce internet catalog catalogs mail order pharmacies
    pharmacy distributors distributor direct consumers door-to-door telephone sales chain
    chains mass merchants merchant discount club clubs warehouse sellers seller third-party
    party marketplace marketplaces web sites site brand brands firm firms company companies
    gift gifts influencers friends us u.s. united states canada mexico heating cooling trade
    vending machines professional given beauty horse-riding contractors wholesalers wholesale
    factory representatives entities promotional items dealers"""
)
# Names with "and" in them, which would otherwise be split into two retailers.
_AND_NAMES = re.compile(
    r"\b(?:Crate and Barrel|Barnes and Noble|Bed,? Bath and Beyond|Black and Decker|"
    r"Farm and Fleet|Tool and Equipment|Sports and Outdoors?)\b",
    re.IGNORECASE,
)
_CANONICAL = {
    "tiktok": "TikTok",
    "ebay": "eBay",
    "ebay.com": "eBay.com",
    "aliexpress": "AliExpress",
}


def _month_start(month_name: str | None, year: str, *, end: bool) -> dt.date:
    if month_name:
        return dt.date(int(year), MONTHS[month_name.rstrip(".").lower()], 1)
    return dt.date(int(year), 12 if end else 1, 1)


def _period(text: str) -> tuple[dt.date | None, dt.date | None]:
    starts: list[dt.date] = []
    ends: list[dt.date] = []
    open_ended = False
    for match in _PERIOD.finditer(text):
        # "in 38 states" and "SINCE 1921" (a brand's motto) are not periods of sale.
        if match.group("start").lower() in {"in", "since"} and not match.group("am"):
            continue
        start = _month_start(match.group("am"), match.group("ay"), end=False)
        starts.append(start)
        if match.group("by"):
            ends.append(max(start, _month_start(match.group("bm"), match.group("by"), end=True)))
        elif match.group("now"):
            open_ended = True
        elif match.group("start").lower() == "in":
            ends.append(_month_start(match.group("am"), match.group("ay"), end=True))
    return (min(starts) if starts else None, None if open_ended or not ends else max(ends))


def _prices(text: str) -> tuple[Decimal | None, Decimal | None, str]:
    amounts = []
    currency = ""
    for match in _PRICE.finditer(text):
        amount = Decimal(match.group("amount").replace(",", ""))
        if match.group("cents"):
            amount += Decimal(match.group("cents").ljust(2, "0")) / 100
        # "$0 (as a promotional item)" is a giveaway, not a price.
        if amount:
            amounts.append(amount)
        if not currency:
            currency = "CAD" if match.group("currency").upper().startswith("C") else "USD"
    if not amounts:
        return None, None, ""
    return min(amounts), max(amounts), currency


def _drop_places(text: str) -> str:
    """Remove 'in Colfax, North Carolina' and 'of Fort Lauderdale, ..., Florida'."""
    out = []
    position = 0
    for intro in _PLACE_INTRO.finditer(text):
        if intro.start() < position:
            continue
        cursor = intro.end()
        consumed_to = None
        while (name := _CAPITALIZED.match(text, cursor)) is not None:
            if is_place(name.group(0)):
                consumed_to = name.end()
            glue = _LIST_GLUE.match(text, name.end())
            if not glue or not glue.group(0) or not _CAPITALIZED.match(text, glue.end()):
                break
            cursor = glue.end()
        if consumed_to is not None:
            out.append(text[position : intro.start()])
            position = consumed_to
    out.append(text[position:])
    return "".join(out)


def _domain_name(domain: str) -> str:
    name = domain.strip(".")
    if name.lower() in _CANONICAL:
        return _CANONICAL[name.lower()]
    return name[:1].upper() + name[1:] if name.islower() else name


def _domain_in(item: str, match: re.Match) -> str:
    """'Best Buy.com' is one name: keep capitalized words written before the domain."""
    before = _WORDS_BEFORE.search(item[: match.start()]) if match.start() else None
    written_as_url = match.group(0).lower().startswith(("http", "www"))
    prefix = before.group(0) if before and not written_as_url else ""
    return _domain_name(prefix + match.group("domain"))


def _name_in(item: str) -> str:
    """The retailer in a list item: 'on Tiktok' -> 'TikTok', 'Walmart stores' -> 'Walmart'."""
    tokens = item.split()
    while tokens and not tokens[0][:1].isdigit():
        word = tokens[0].lower()
        before_lowercase = len(tokens) > 1 and tokens[1][:1].islower()
        if not (
            word in _FILLER
            or not tokens[0][:1].isupper()
            or (word in _FILLER_BEFORE_LOWERCASE and before_lowercase)
        ):
            break
        tokens.pop(0)
    name: list[str] = []
    for index, token in enumerate(tokens):
        starts_upper = token[:1].isupper() or token[:1].isdigit()
        next_upper = index + 1 < len(tokens) and tokens[index + 1][:1].isupper()
        if starts_upper or (name and token.lower() in _CONNECTORS and next_upper):
            name.append(token)
        else:
            break
    while len(name) > 1 and name[-1].lower().strip(".,'") in _STORE_NOUNS:
        name.pop()
    text = " ".join(name).strip(" ,.;:-'\"")
    if not re.search(r"[A-Za-z]", text) or is_place(text):
        return ""
    if all(word.lower().strip(".,'") in _GENERIC for word in text.split()):
        return ""
    return _CANONICAL.get(text.lower(), text)


def _retailers(text: str) -> list[str]:
    text = _AND_NAMES.sub(lambda m: m.group(0).replace(" and ", " & "), text)
    while _PARENTHESES.search(text):
        text = _PARENTHESES.sub(" ", text)
    names: list[str] = []
    for index, sentence in enumerate(_SENTENCES.split(text)):
        parts = _SOLD_VIA.split(sentence, maxsplit=1)
        # Later sentences are notes ("Casters were also sold in four-packs") unless they
        # say where something was sold.
        if len(parts) == 1 and index > 0:
            continue
        part = _CUT.split(parts[-1], maxsplit=1)[0]
        part = _STATES_PHRASE.sub(" ", part)
        part = _drop_places(part)
        for item in _ITEM_SPLIT.split(part):
            domains = [_domain_in(item, m) for m in _DOMAIN.finditer(item)]
            names.extend(domains or [_name_in(item)])
    seen: set[str] = set()
    unique = []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


def parse_sold_at(value: object) -> SoldAt:
    """Retailers, first and last month of sale and the price range out of a 'Sold At' text."""
    text = clean_text(value)
    flat = plain_quotes(" ".join(text.split()))
    sold_from, sold_to = _period(flat)
    price_min, price_max, currency = _prices(flat)
    return SoldAt(
        text=text,
        retailers=_retailers(flat),
        sold_from=sold_from,
        sold_to=sold_to,
        price_min=price_min,
        price_max=price_max,
        currency=currency,
    )


def looks_like_sold_at(text: str) -> bool:
    """True for a sentence about where and when a product sold, not a retailer's bare name."""
    flat = clean_text(text)
    return bool(
        _PERIOD.search(flat)
        or _PRICE.search(flat)
        or re.search(r"\b(?:nationwide|online|stores|exclusively)\b", flat, re.IGNORECASE)
        or len(flat.split()) > 8
    )
