"""What staff give when they set up a program, checked: each error says what to change."""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from recalldesk.claims.eligibility import serial_compare, serial_normalize
from recalldesk.claims.models import Country, Currency, DestructionProof, SerialRuleKind
from recalldesk.identify.normalize import normalize_identifier

MAX_PHOTOS = 10
MAX_PRICE = Decimal("99999999.99")
MAX_BONUS_RATE = Decimal("9.9999")
SERIAL_MAX_LENGTH = 50


class ProgramInvalid(ValidationError):
    """Program input that cannot be accepted; the message says what to change."""


@dataclass(frozen=True)
class ProgramTerms:
    """What staff set on a program: proof, remedies, currencies, disposal and dates."""

    name: str
    opens_at: datetime
    closes_at: datetime | None = None
    receipt_required: bool = False
    required_photos: tuple[str, ...] = ()
    destruction_proof: str = DestructionProof.NONE
    refund_offered: bool = True
    # None: no store credit; Decimal("0.20"): store credit worth 120% of the refund.
    store_credit_bonus_rate: Decimal | None = None
    replacement_offered: bool = False
    repair_offered: bool = False
    currencies: dict[str, str] = field(default_factory=lambda: {"US": "USD"})
    disposal_instructions: str = ""
    claims_per_contact_threshold: int = 3


def clean_line(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())


def _clean_photos(labels) -> list[str]:
    cleaned: list[str] = []
    for label in labels:
        text = clean_line(label)
        if not text:
            continue
        if len(text) > 200:
            raise ProgramInvalid(
                f"The photo label “{text[:40]}…” is too long: at most 200 characters."
            )
        if text.casefold() in {c.casefold() for c in cleaned}:
            raise ProgramInvalid(f"The photo “{text}” is listed twice; list each photo once.")
        cleaned.append(text)
    if len(cleaned) > MAX_PHOTOS:
        raise ProgramInvalid(f"Ask for at most {MAX_PHOTOS} photos; owners file claims on a phone.")
    return cleaned


def _clean_currencies(currencies) -> dict[str, str]:
    if not isinstance(currencies, dict) or not currencies:
        raise ProgramInvalid("Choose the currency of at least one country the program serves.")
    cleaned = {}
    for country, currency in currencies.items():
        if country not in Country.values:
            raise ProgramInvalid(
                f"Unknown country {country!r}; choose from: {', '.join(Country.values)}."
            )
        if currency not in Currency.values:
            raise ProgramInvalid(
                f"Unknown currency {currency!r} for {country}; "
                f"choose from: {', '.join(Currency.values)}."
            )
        cleaned[country] = currency
    return cleaned


def _clean_bonus(rate: Decimal | None) -> Decimal | None:
    if rate is None:
        return None
    try:
        rate = Decimal(rate)
    except (InvalidOperation, TypeError, ValueError):
        raise ProgramInvalid("The store credit bonus must be a number, e.g. 20 for 20%.") from None
    if not rate.is_finite() or rate < 0 or rate > MAX_BONUS_RATE:
        raise ProgramInvalid("The store credit bonus must be between 0% and 999.99%.")
    if rate != rate.quantize(Decimal("0.0001")):
        raise ProgramInvalid("Give the store credit bonus in whole hundredths of a percent.")
    return rate.quantize(Decimal("0.0001"))


def clean_terms(terms: ProgramTerms) -> dict:
    name = clean_line(terms.name)
    if not name:
        raise ProgramInvalid("Give the program a name owners will recognise.")
    if len(name) > 200:
        raise ProgramInvalid("The program name is too long: at most 200 characters.")
    if terms.opens_at is None:
        raise ProgramInvalid("Give the date the program opens for claims.")
    if terms.closes_at is not None and terms.closes_at <= terms.opens_at:
        raise ProgramInvalid("The program must close after it opens; check the closing date.")
    if terms.destruction_proof not in DestructionProof.values:
        raise ProgramInvalid(
            f"Unknown proof of destruction {terms.destruction_proof!r}; "
            f"choose from: {', '.join(DestructionProof.values)}."
        )
    bonus = _clean_bonus(terms.store_credit_bonus_rate)
    offered = (terms.refund_offered, bonus is not None, terms.replacement_offered)
    if not any(offered) and not terms.repair_offered:
        raise ProgramInvalid(
            "Offer at least one remedy: refund, store credit, replacement or repair."
        )
    threshold = terms.claims_per_contact_threshold
    if not isinstance(threshold, int) or not 1 <= threshold <= 1000:
        raise ProgramInvalid("Flag claims sharing a contact from between 1 and 1000 claims.")
    disposal = (terms.disposal_instructions or "").strip()
    if len(disposal) > 5000:
        raise ProgramInvalid("The disposal instructions are too long: at most 5000 characters.")
    return {
        "name": name,
        "opens_at": terms.opens_at,
        "closes_at": terms.closes_at,
        "receipt_required": bool(terms.receipt_required),
        "required_photos": _clean_photos(terms.required_photos),
        "destruction_proof": terms.destruction_proof,
        "refund_offered": bool(terms.refund_offered),
        "store_credit_bonus_rate": bonus,
        "replacement_offered": bool(terms.replacement_offered),
        "repair_offered": bool(terms.repair_offered),
        "currencies": _clean_currencies(terms.currencies),
        "disposal_instructions": disposal,
        "claims_per_contact_threshold": threshold,
    }


@dataclass(frozen=True)
class SerialRuleInput:
    """A serial rule as staff give it: all serials, a prefix (and length), or a range."""

    kind: str = SerialRuleKind.ALL
    prefix: str = ""
    length: int | None = None
    range_start: str = ""
    range_end: str = ""


def _serial_value(value: str, what: str) -> str:
    text = serial_normalize(value)
    if len(text) > SERIAL_MAX_LENGTH:
        raise ProgramInvalid(f"The {what} is too long: at most {SERIAL_MAX_LENGTH} characters.")
    return text


def clean_rule(rule: SerialRuleInput) -> dict:
    empty = {
        "serial_prefix": "",
        "serial_length": None,
        "serial_range_start": "",
        "serial_range_end": "",
    }
    if rule.kind == SerialRuleKind.ALL:
        return {"serial_rule_kind": SerialRuleKind.ALL, **empty}
    if rule.kind == SerialRuleKind.PREFIX:
        prefix = _serial_value(rule.prefix, "serial prefix")
        if not prefix:
            raise ProgramInvalid("Give the characters the recalled serial numbers start with.")
        length = rule.length
        if length is not None and not (len(prefix) <= length <= SERIAL_MAX_LENGTH):
            raise ProgramInvalid(
                f"The serial length must be between {len(prefix)} (the prefix {prefix}) "
                f"and {SERIAL_MAX_LENGTH} characters, or left empty."
            )
        return {
            **empty,
            "serial_rule_kind": rule.kind,
            "serial_prefix": prefix,
            "serial_length": length,
        }
    if rule.kind == SerialRuleKind.RANGE:
        start = _serial_value(rule.range_start, "first serial of the range")
        end = _serial_value(rule.range_end, "last serial of the range")
        if not start or not end:
            raise ProgramInvalid("Give the first and the last serial number of the range.")
        order = serial_compare(start, end)
        if order is None:
            raise ProgramInvalid(
                f"{start} and {end} cannot be compared: give both ends with the same letters "
                "and the same number of characters, e.g. 1000 to 1999 or AB0100 to AB0900."
            )
        if order > 0:
            raise ProgramInvalid(f"The range must start before it ends: {start} comes after {end}.")
        return {
            **empty,
            "serial_rule_kind": rule.kind,
            "serial_range_start": start,
            "serial_range_end": end,
        }
    raise ProgramInvalid(
        f"Unknown serial rule {rule.kind!r}; choose from: {', '.join(SerialRuleKind.values)}."
    )


def clean_product(model_number: str, name: str, serial_help: str) -> dict:
    model_number = clean_line(model_number)
    normalized = normalize_identifier(model_number)
    if not normalized:
        raise ProgramInvalid("Give the model number as printed on the product, e.g. MMA008.")
    if len(model_number) > 100:
        raise ProgramInvalid("The model number is too long: at most 100 characters.")
    name = clean_line(name)
    if not name:
        raise ProgramInvalid(f"Give {model_number} a name owners recognise, e.g. “Power bank”.")
    if len(name) > 200:
        raise ProgramInvalid("The product name is too long: at most 200 characters.")
    serial_help = clean_line(serial_help)
    if len(serial_help) > 300:
        raise ProgramInvalid("Where the serial is printed: at most 300 characters.")
    return {
        "model_number": model_number,
        "model_normalized": normalized,
        "name": name,
        "serial_help": serial_help,
    }
