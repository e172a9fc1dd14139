"""Checks on identifiers and serial rules as staff enter them, and a rule's identity."""

from collections.abc import Iterable

from recalldesk.identify.extraction import check_digit_ok
from recalldesk.identify.models import IdentifierKind, SerialRuleKind
from recalldesk.identify.normalize import normalize_identifier


class IdentificationError(ValueError):
    """An identifier or serial rule that cannot be stored as given; the message says why."""


def rule_key(
    kind: str,
    model: str,
    prefix: str,
    length: int | None,
    range_start: str,
    range_end: str,
    values: Iterable[str],
) -> str:
    """One string per rule, so a rule staff hid or changed is recognised when read again."""
    parts = [kind, model, prefix.upper(), str(length or ""), range_start, range_end]
    parts += sorted(normalize_identifier(v) for v in values)
    return "|".join(parts)[:500]


def identifier_clean(*, kind: str, value: str) -> str:
    """The normalized form of a value staff typed, or IdentificationError saying what is wrong."""
    if kind not in IdentifierKind.values:
        raise IdentificationError(
            f"“{kind}” is not a kind of identifier; use one of: {', '.join(IdentifierKind.values)}."
        )
    value = (value or "").strip()
    normalized = normalize_identifier(value)
    if not normalized:
        raise IdentificationError(
            "Enter the code as printed on the product, with at least one letter or digit."
        )
    if len(value) > 100:
        raise IdentificationError("A code is at most 100 characters long.")
    if kind == IdentifierKind.UPC:
        if not normalized.isdigit() or len(normalized) not in (12, 13):
            raise IdentificationError(
                f"A UPC has 12 digits (13 for an EAN); “{value}” has {len(normalized)} characters."
            )
        if not check_digit_ok(normalized):
            raise IdentificationError(
                f"The last digit of UPC {normalized} does not fit the others: check the package."
            )
    return normalized


def serial_rule_clean(
    *,
    kind: str,
    prefix: str = "",
    length: int | None = None,
    range_start: str = "",
    range_end: str = "",
    values: Iterable[str] = (),
) -> None:
    """IdentificationError when the fields a rule of this kind needs are missing or odd."""
    if kind not in SerialRuleKind.values:
        raise IdentificationError(
            f"“{kind}” is not a kind of serial rule; use one of {', '.join(SerialRuleKind.values)}."
        )
    if length is not None and not 1 <= length <= 60:
        raise IdentificationError("A serial number length is between 1 and 60 characters.")
    if kind == SerialRuleKind.PREFIX and not prefix.strip():
        raise IdentificationError(
            "A “starting with” rule needs the characters serial numbers start with."
        )
    if kind in (SerialRuleKind.RANGE, SerialRuleKind.DATE_RANGE) and not (
        range_start.strip() or range_end.strip()
    ):
        raise IdentificationError(
            "A range needs its first or last serial number (or date code), or both."
        )
    if kind == SerialRuleKind.LOT and not [v for v in values if normalize_identifier(v)]:
        raise IdentificationError("A lot rule needs at least one lot, batch or date code.")
