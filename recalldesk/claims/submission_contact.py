"""Checks of the owner's contact details and of how a refund is paid out.

A check is mailed to the contact address; a bank transfer's details are collected by the
firm's payment provider (it e-mails the owner a secure link), so no account number is ever
kept with a claim; PayPal needs the account's e-mail address.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from recalldesk.claims.models import Country, PayoutMethod, Remedy
from recalldesk.claims.submission import ClaimRejected, ClaimSubmission
from recalldesk.claims.submission_checks import clean_line

REFUND_PAYOUTS = (PayoutMethod.CHECK, PayoutMethod.PAYPAL, PayoutMethod.BANK_TRANSFER)
PAYPAL_EMAIL = "paypal_email"
EMAIL_MAX_LENGTH = 254
PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15
_PHONE = re.compile(r"^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)
_ZIP = re.compile(r"^(\d{5})(?:\s*-?\s*(\d{4}))?$")
_CANADIAN_POSTAL_CODE = re.compile(r"^([A-Z]\d[A-Z])\s*-?\s*(\d[A-Z]\d)$")


@dataclass(frozen=True)
class Contact:
    owner_name: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str


def _line(
    submission: ClaimSubmission, name: str, *, max_length: int, missing: str | None, label: str
) -> str:
    text = clean_line(getattr(submission, name), max_length=max_length)
    if not text and missing:
        raise ClaimRejected(missing, field=name)
    if len(text) > max_length:
        raise ClaimRejected(f"{label} can be at most {max_length} characters.", field=name)
    return text


def email_check(value: object, *, field: str, missing: str) -> str:
    """An e-mail address as typed (trimmed), if it looks deliverable."""
    email = clean_line(value, max_length=EMAIL_MAX_LENGTH)
    if not email:
        raise ClaimRejected(missing, field=field)
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise ClaimRejected("Enter an e-mail address like name@example.com.", field=field) from None
    return email


def _phone(submission: ClaimSubmission) -> str:
    phone = _line(submission, "phone", max_length=40, missing=None, label="The phone number")
    if not phone:
        return ""
    digits = re.sub(r"\D", "", re.split(r"x|ext", phone, flags=re.IGNORECASE)[0])
    if not _PHONE.match(phone) or not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        raise ClaimRejected(
            "Enter a phone number with its area code, e.g. 310-555-0123, or leave it empty.",
            field="phone",
        )
    return phone


def _postal_code(submission: ClaimSubmission, country: str) -> str:
    text = clean_line(submission.postal_code, max_length=20).upper()
    if country == Country.US:
        match = _ZIP.match(text)
        if match is None:
            raise ClaimRejected("Enter a ZIP code of 5 digits, e.g. 90245.", field="postal_code")
        return match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
    if country == Country.CA:
        match = _CANADIAN_POSTAL_CODE.match(text)
        if match is None:
            raise ClaimRejected("Enter a postal code like K1A 0B1.", field="postal_code")
        return f"{match.group(1)} {match.group(2)}"
    if not text or len(text) > 20:
        raise ClaimRejected("Enter your postal code.", field="postal_code")
    return text


def contact_check(*, submission: ClaimSubmission, country: str) -> Contact:
    """Name, e-mail, phone and postal address, cleaned; ClaimRejected naming the field else."""
    region_word = "province" if country == Country.CA else "state"
    return Contact(
        owner_name=_line(
            submission, "owner_name", max_length=200, missing="Enter your full name.", label="Name"
        ),
        email=email_check(submission.email, field="email", missing="Enter your e-mail address."),
        phone=_phone(submission),
        address_line1=_line(
            submission,
            "address_line1",
            max_length=200,
            missing="Enter your street address.",
            label="The street address",
        ),
        address_line2=_line(
            submission, "address_line2", max_length=200, missing=None, label="The second line"
        ),
        city=_line(submission, "city", max_length=100, missing="Enter your city.", label="City"),
        region=_line(
            submission,
            "region",
            max_length=100,
            missing=f"Enter your {region_word}.",
            label=f"The {region_word}",
        ),
        postal_code=_postal_code(submission, country),
    )


def payout_check(*, submission: ClaimSubmission, remedy: str) -> tuple[str, dict]:
    """The payout method and its details; only a refund is paid out, anything else is "none"."""
    if remedy != Remedy.REFUND:
        # Store credit is e-mailed as a code; a replacement or repair is shipped.
        return PayoutMethod.NONE, {}
    method = clean_line(submission.payout_method, max_length=20).lower()
    if method not in REFUND_PAYOUTS:
        raise ClaimRejected(
            "Choose how to receive your refund: check by mail, PayPal or bank transfer.",
            field="payout_method",
        )
    details = submission.payout_details if isinstance(submission.payout_details, dict) else {}
    if method == PayoutMethod.PAYPAL:
        paypal_email = email_check(
            details.get(PAYPAL_EMAIL),
            field=PAYPAL_EMAIL,
            missing="Enter the e-mail address of your PayPal account.",
        )
        return method, {PAYPAL_EMAIL: paypal_email}
    return method, {}
