"""Place names in recall text: countries of manufacture and the U.S. states retailers name."""

import re

from recalldesk.registry.sources.parsing import clean_text, plain_quotes, words

US_STATES = words(
    """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
    Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts
    Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon
    Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming"""
) | {
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
    "District of Columbia",
    "Puerto Rico",
    "Guam",
}

US_STATE_CODES = words(
    """AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ
    NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR"""
)

COUNTRIES = words(
    """Argentina Australia Austria Bangladesh Belgium Bosnia Brazil Bulgaria Cambodia Canada
    Chile China Colombia Croatia Denmark Egypt Estonia Finland France Germany Greece Guatemala
    Honduras Hungary India Indonesia Ireland Israel Italy Japan Kosovo Latvia Lithuania
    Malaysia Mexico Netherlands Norway Pakistan Peru Philippines Poland Portugal Romania Serbia
    Singapore Slovakia Slovenia Spain Sweden Switzerland Taiwan Thailand Turkey Ukraine
    Vietnam"""
) | {
    "Costa Rica",
    "Czech Republic",
    "Dominican Republic",
    "El Salvador",
    "Hong Kong",
    "New Zealand",
    "South Africa",
    "South Korea",
    "Sri Lanka",
    "United Kingdom",
    "United States",
}

_COUNTRY_ALIASES = {
    "us": "United States",
    "usa": "United States",
    "u s": "United States",
    "u s a": "United States",
    "united states of america": "United States",
    "the united states": "United States",
    "prc": "China",
    "p r c": "China",
    "p r china": "China",
    "peoples republic of china": "China",
    "mainland china": "China",
    "korea": "South Korea",
    "republic of korea": "South Korea",
    "uk": "United Kingdom",
    "u k": "United Kingdom",
    "great britain": "United Kingdom",
    "england": "United Kingdom",
    "viet nam": "Vietnam",
    "holland": "Netherlands",
    "the netherlands": "Netherlands",
    "turkiye": "Turkey",
    "türkiye": "Turkey",
    "czechia": "Czech Republic",
}
_BY_KEY = {c.casefold(): c for c in COUNTRIES}
_PARENTHESES = re.compile(r"\([^()]*\)")
_COUNTRY_SPLIT = re.compile(r"[,;\n/&]|\band\b|\bor\b", re.IGNORECASE)
_DIRECTION = re.compile(
    r"^(?:north|south|east|west|northern|southern|eastern|western|central|northeast|"
    r"northwest|southeast|southwest|upstate|downstate)(?:ern)?\s+",
    re.IGNORECASE,
)


def country_name(value: str) -> str:
    """One spelling per country: 'USA', 'U.S.' and 'United States' are all 'United States'."""
    spelled = re.sub(r"[^\w]+", " ", plain_quotes(value).replace("'", "")).strip()
    folded = " ".join(spelled.casefold().split())
    if not folded:
        return ""
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    if folded in _BY_KEY:
        return _BY_KEY[folded]
    return " ".join(spelled.split())


def parse_countries(value: object) -> list[str]:
    """Countries named in 'Vietnam (MMA008) and China (BPB002 and PB0003)': China, Vietnam."""
    text = clean_text(value)
    while _PARENTHESES.search(text):
        text = _PARENTHESES.sub(" ", text)
    names: set[str] = set()
    for part in _COUNTRY_SPLIT.split(text.replace("(", " ").replace(")", " ")):
        name = country_name(part.strip(" .:"))
        # A part with digits or many words is a note, not a country.
        if name and not re.search(r"\d", name) and len(name.split()) <= 4:
            names.add(name)
    return sorted(names)


def is_place(name: str) -> bool:
    """True for a U.S. state or a country, also 'Eastern Massachusetts' or 'the U.S.'."""
    for candidate in (name.strip(), _DIRECTION.sub("", name.strip()).strip()):
        if candidate in US_STATES or candidate.replace(".", "") in US_STATE_CODES:
            return True
        folded = " ".join(re.sub(r"[^\w]+", " ", candidate).casefold().split())
        if folded.startswith("the "):
            folded = folded[4:]
        if folded in _BY_KEY or folded in _COUNTRY_ALIASES:
            return True
    return False
