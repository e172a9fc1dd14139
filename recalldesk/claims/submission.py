"""What an owner sends to file a claim, and reading its amounts and fields from text.

Amounts on receipts are read the way people write them, in the United States and in Canada:
"59.99", "$59.99", "59", "1,234.56", "59,99 $" and "1 234,56" (French Canadian). A comma or
dot followed by one or two digits at the end is the decimal separator; a comma, dot or space
between groups of three digits separates thousands. "1.234" is refused (three decimals) rather
than guessed. Negative, zero, NaN, Infinity, exponents, more than two decimals and anything
that is not a number are refused with a message saying how to write it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile

AMOUNT_FIELD = "receipt_amount"
AMOUNT_HINT = "Enter the amount on your receipt as a number, e.g. 59.99."
# Claim.receipt_amount holds 10 digits, 2 after the point.
AMOUNT_MAX = Decimal("99999999.99")
AMOUNT_MAX_TEXT = 40
MAX_PHOTOS = 10

_CURRENCY_PREFIX = re.compile(r"^(?:US\$|USD|CA\$|CAD|C\$|\$)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:US\$|CA\$|USD|CAD|\$)$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED = re.compile(r"^\d{1,3}(?:[,. ]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMALS = re.compile(r"[.,](\d{1,2})$")
_TOO_PRECISE = re.compile(r"^\d*[.,]\d{3,}$")


class ClaimRejected(Exception):
    """A claim cannot be filed as sent; the message says what to change, field says where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class IdempotencyKeyReused(ClaimRejected):
    """The Idempotency-Key of an earlier claim came with different content (409 in the API)."""


class ProgramUnavailable(ClaimRejected):
    """The program closed or went away while the claim was filed (404 in the API)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="program")


@dataclass(frozen=True)
class ClaimSubmission:
    """An owner's claim as sent, not yet checked: strings as typed, uploads as received."""

    model_number: str = ""
    serial_number: str = ""
    country: str = ""
    receipt_amount: Decimal | None = None
    remedy: str = ""
    owner_name: str = ""
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    payout_method: str = ""
    payout_details: dict = field(default_factory=dict)
    receipt: UploadedFile | None = None
    # (label, file): label names which required photo it is, e.g. "Front of the product";
    # "" lets the file fill the first required photo not yet given.
    photos: list[tuple[str, UploadedFile]] = field(default_factory=list)
    destruction: UploadedFile | None = None


def _rejected(message: str) -> ClaimRejected:
    return ClaimRejected(message, field=AMOUNT_FIELD)


def _digits_and_decimals(text: str) -> tuple[str, str]:
    """Split a written amount into its whole part (separators removed) and its decimals."""
    decimal_mark = _DECIMALS.search(text)
    whole, decimals = text, ""
    if decimal_mark is not None:
        whole, decimals = text[: decimal_mark.start()], decimal_mark.group(1)
    if whole == "" and decimals:
        whole = "0"
    if _PLAIN.match(whole):
        return whole, decimals
    separators = set(re.sub(r"\d", "", whole))
    mark = decimal_mark.group(0)[0] if decimal_mark else None
    if _GROUPED.match(whole) and len(separators) == 1 and mark not in separators:
        if mark is None and separators == {"."} and whole.count(".") == 1:
            # "1.234" alone is 1.234 to an American and 1234 to a Quebecer: ask, don't guess.
            # ("1,234" is how U.S. receipts write 1234, and a receipt never has 3 decimals.)
            raise _rejected(f"Enter at most two digits after the decimal point. {AMOUNT_HINT}")
        return re.sub(r"\D", "", whole), decimals
    if _TOO_PRECISE.match(whole) and not decimals:
        raise _rejected(f"Enter at most two digits after the decimal point. {AMOUNT_HINT}")
    raise _rejected(AMOUNT_HINT)


def amount_parse(text: str | None) -> Decimal | None:
    """The receipt amount written in text as a Decimal to the cent, None when left empty."""
    if text is None:
        return None
    if len(text) > AMOUNT_MAX_TEXT:
        raise _rejected(AMOUNT_HINT)
    compact = _SPACES.sub(" ", text).strip()
    if not compact:
        return None
    if compact.startswith(("-", "\u2212", "(")) or compact.endswith("-"):
        raise _rejected(f"The amount must be more than zero. {AMOUNT_HINT}")
    compact = compact.removeprefix("+")
    compact = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", compact)).strip()
    if compact.startswith(("-", "\u2212")):
        raise _rejected(f"The amount must be more than zero. {AMOUNT_HINT}")
    if not compact or not re.fullmatch(r"[\d., ]+", compact):
        raise _rejected(AMOUNT_HINT)
    whole, decimals = _digits_and_decimals(compact)
    try:
        amount = Decimal(f"{whole}.{decimals or '0'}").quantize(Decimal("0.01"))
    except InvalidOperation:
        # More digits than a Decimal holds with its cents (27 and up): no receipt says that.
        raise _rejected(f"That amount is too large for a receipt. {AMOUNT_HINT}") from None
    return amount_check(amount)


def amount_check(amount: Decimal | None) -> Decimal | None:
    """The amount if it can be on a receipt (finite, > 0, at most cents), else ClaimRejected."""
    if amount is None:
        return None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise _rejected(AMOUNT_HINT)
    if amount <= 0:
        raise _rejected(f"The amount must be more than zero. {AMOUNT_HINT}")
    try:
        exact = amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise _rejected(AMOUNT_HINT) from None
    if exact != amount:
        raise _rejected(f"Enter at most two digits after the decimal point. {AMOUNT_HINT}")
    if exact > AMOUNT_MAX:
        raise _rejected(f"That amount is too large for a receipt. {AMOUNT_HINT}")
    return exact


TEXT_FIELDS = (
    "model_number",
    "serial_number",
    "country",
    "remedy",
    "owner_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "payout_method",
)
# The payout details a request may carry (see submission_contact.py for why only these).
PAYOUT_DETAIL_FIELDS = ("paypal_email",)


_FILE_FIELDS = frozenset(
    {"receipt", "destruction", *(f"photo_{number}" for number in range(1, MAX_PHOTOS + 1))}
)


def submission_from_data(
    *, data: Mapping[str, str], files: Mapping[str, UploadedFile]
) -> ClaimSubmission:
    """A ClaimSubmission from form fields and files named as in the API (photo_1, receipt, ...)."""
    text = {name: str(data.get(name) or "") for name in TEXT_FIELDS}
    details = {name: str(data[name]) for name in PAYOUT_DETAIL_FIELDS if data.get(name)}
    photos = []
    for number in range(1, MAX_PHOTOS + 1):
        upload = files.get(f"photo_{number}")
        if upload is not None:
            photos.append((str(data.get(f"photo_{number}_label") or ""), upload))
    # A file under another name would be dropped without a word, and its owner told that a
    # photo is missing, or nothing at all.
    extra = [name for name in files if name not in _FILE_FIELDS]
    if extra:
        raise ClaimRejected(
            f"Send files as receipt, photo_1 to photo_{MAX_PHOTOS} (each with its label in "
            f"photo_1_label and so on) and destruction; {extra[0][:40]!r} is not one of them.",
            field=extra[0][:40],
        )
    return ClaimSubmission(
        **text,
        receipt_amount=amount_parse(data.get(AMOUNT_FIELD)),
        payout_details=details,
        receipt=files.get("receipt"),
        photos=photos,
        destruction=files.get("destruction"),
    )
