"""What a word looks like: a code, a quantity, a date, a size, or a well-known name."""

import re

_UNITS = (
    r"inch(?:es)?|in|ft|feet|foot|mm|cm|km|oz|ounces?|lbs?|pounds?|kg|mg|ml|liters?|litres?|"
    r"gal|gallons?|qt|quarts?|pints?|cups?|mah|ah|wh|kwh|watts?|kw|volts?|vac|vdc|amps?|"
    r"hp|cc|gpm|psi|hz|khz|mhz|ghz|db|rpm|mph|kph|btus?|degrees?|deg|pcs?|pieces?|packs?|pk|"
    r"counts?|ct|drawers?|tiers?|layers?|seats?|person|months?|years?|yrs?|weeks?|days?|hrs?|"
    r"hours?|min|minutes?|sec|gb|tb|mb|lumens?|lm|th|st|nd|rd|xl|xxl|xxxl|xs|ply|speeds?|"
    r"steps?|wheels?|sets?|tons?"
)
_NUMBER = r"\d+(?:[.,]\d+)?"
# One-letter units (120V, 65W, 2A, 1080p) only after short numbers: 4843351A is a model number.
_MEASURE = rf"(?:{_NUMBER}\s?(?:{_UNITS})|\d{{1,4}}(?:\.\d+)?[avwpkxgm]|\d+\.\d+[a-z])"
_QUANTITY = re.compile(
    rf"^(?:{_MEASURE}|{_NUMBER})(?:[-/x](?:{_MEASURE}|{_NUMBER}|(?:{_UNITS})))*$", re.IGNORECASE
)
_SIZE = re.compile(r"^\d{1,2}(?:T|M|Y|XL|XS|X)$|^[2-6]?X{1,3}[LS]$|^\d{1,2}[-/]\d{1,2}(?:T|M|Y)$")
_DATE = re.compile(
    r"^(?:\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{1,2}[/-](?:19|20)\d{2}|(?:19|20)\d{2}[/-]\d{1,2}(?:[/-]\d{1,2})?"
    r"|(?:19|20)\d{2}[-/](?:19|20)?\d{2}|\d{1,2}/\d{2}|(?:19|20)\d{2}s?"
    # YYYYMMDD, also with a plant suffix: 20241123-GJ.
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:-[A-Z]{1,3})?)$"
)
_DATE_FIRST = re.compile(r"^\d{1,2}/\d{2}(?:/\d{2,4})?(?=[A-Z0-9])")
# A date or a decimal range inside a longer word: ROLLER07/2021, 0014/13/17, 57.87-62.59.
_DATE_INSIDE = re.compile(r"\d/(?:19|20)\d{2}\b|\d{1,2}/\d{1,2}/\d{2}|^\d+\.\d+-\d+\.\d+$")
# "2022.In", "U.S.7094741": a sentence end or an abbreviation glued to what follows.
_GLUED_SENTENCE = re.compile(r"\.[A-Z][a-z]|U\.S\.?")
_RECALL_NUMBER = re.compile(r"^\d{2}-\d{3}$")
# Names of other things that look like model numbers: batteries, gases, standards, connectors.
_KNOWN_NAMES = re.compile(
    r"^(?:(?:CR|BR|LR|SR|AG|LIR|ML)\d{2,4}[A-Z]?|CO2?|O2|NO2|H2O|PM2\.5|PM10|K?N95|KF94|FFP[23]|"
    r"COVID-19|SARS-COV-2|AR-15|AK-47|M4|M16|USB[-A-Z0-9.]*|HDMI[-A-Z0-9.]*|IPX?\d{1,2}|QI2?|MP[34]|"
    r"[2-6]G|LTE|3D|2D|[48]K|E\d{2}|GU\d{1,2}|MR16|A19|A21|BR30|PAR\d{2}|R-\d{2,3}[A-Z]?|UL\d+|"
    r"(?:19|20)\d{2}[A-Z]?-(?:19|20)?\d{2}|V\d|FY\d{2,4}|Q[1-4]|RN\d{4,6}|CA\d{5})$"
)
STANDARD_BODIES = frozenset(
    {"ASTM", "ANSI", "ISO", "IEC", "EN", "UL", "CFR", "CSA", "NFPA", "SAE", "FMVSS", "ASME", "IEEE",
     "BS", "JIS", "SECTION", "§", "PART", "RN", "CA", "CPSIA", "ASSE", "NSF", "JPMA", "ETL"}
)  # fmt: skip


def has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def has_letter(word: str) -> bool:
    return any(c.isalpha() for c in word)


def is_quantity(word: str) -> bool:
    """48-In, 15-Ft, 6.5-quart, 10,000mAh, 36V, 2-in-1, 4XL: measures and sizes, not codes."""
    return bool(_QUANTITY.match(word) and has_letter(word)) or bool(_SIZE.match(word.upper()))


def is_date_like(word: str) -> bool:
    return bool(_DATE.match(word))


def is_known_name(word: str) -> bool:
    """CR2032, CO2, AR-15; also "LR44/357", two battery names written as one word."""
    return any(_KNOWN_NAMES.match(part) for part in word.upper().split("/") if part)


def is_plain_number(word: str) -> bool:
    return word.replace(",", "").replace(".", "").isdigit()


def _is_decimal(word: str) -> bool:
    """3.52 is a number; 790.990121 (a Kenmore model number) is not."""
    return word.count(".") == 1 and len(word.split(".")[1]) <= 3


def has_word_inside(word: str) -> bool:
    """Two lower-case letters in a row mean an ordinary word ("Gas/Electric", "2-in-1")."""
    return bool(re.search(r"[a-z]{2}", word))


MAX_CODE_LENGTH = 20  # longer runs of letters and digits are table cells glued together


def never_a_model(word: str) -> bool:
    """Words that are never model numbers, whatever label stands before them."""
    return (
        len(word) < 2
        or sum(c.isalnum() for c in word) > MAX_CODE_LENGTH
        or bool(_DATE_FIRST.match(word))
        or bool(_DATE_INSIDE.search(word) and not _DATE.match(word))
        or bool(_GLUED_SENTENCE.search(word))
        or is_quantity(word)
        or is_known_name(word)
        or (is_plain_number(word) and ("," in word or _is_decimal(word)))
    )


def looks_like_code(word: str, *, min_length: int = 3) -> bool:
    """A code seen without a label: letters and digits, upper case: NB19790, B62, HI1382_13."""
    if len(word) < min_length or not (word[0].isdigit() or word[0].isupper()):
        return False
    if not (has_digit(word) and has_letter(word)):
        return False
    if never_a_model(word) or has_word_inside(word):
        return False
    letters = [c for c in word if c.isalpha()]
    if sum(c.islower() for c in letters) > 2:
        return False
    return not (is_date_like(word) or _RECALL_NUMBER.match(word))


def labelled_code(word: str) -> bool:
    """A code after "model number" or in its list: digits alone count, and so does BC-CBJ."""
    # A labelled four-digit number is a model even when it reads like a year: "models 1985, 2151".
    if never_a_model(word) or has_word_inside(word) or (is_date_like(word) and len(word) != 4):
        return False
    if has_digit(word):
        return True
    # Digitless codes only when shaped like codes, not like a brand or a word: BC-CBJ, LDFS-SSK.
    return word.isupper() and "-" in word and len(word) >= 4


def shape(word: str) -> str:
    """A letter/digit pattern: PA044936 -> AADDDDDD; codes from one table column share it."""
    return "".join("D" if c.isdigit() else "A" if c.isalpha() else c for c in word)
