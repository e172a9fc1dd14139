"""Belkin's program for recall 26-090 with its staff, and owners' claims filed through claim_submit.

Belkin (alice, admin: may review and pay; rose, reviewer: may review, not pay) runs the
program of the real recall 26-090 in the U.S. (USD) and Canada (CAD). Photos are not
required here, so filing a claim is quick; the receipt, when given, is a real picture.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from recalldesk.accounts.models import FirmAccount, Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.models import Claim, Program
from recalldesk.claims.services import claim_submit
from recalldesk.claims.tests.submit_helpers import belkin_program, receipt_file, submission

CANADIAN_ADDRESS = {
    "country": "CA",
    "address_line1": "100 King St W",
    "city": "Toronto",
    "region": "ON",
    "postal_code": "M5X 1A9",
}


@dataclass
class Belkin:
    firm_account: FirmAccount
    program: Program
    alice: AbstractBaseUser
    rose: AbstractBaseUser


def belkin_world() -> Belkin:
    """Belkin's firm account, its staff, and its 26-090 program in USD and CAD."""
    firm_account = factories.belkin()
    alice = firm_account.memberships.get().user
    rose = factories.member(firm_account, name="rose", domain="belkin.example", role=Role.REVIEWER)
    program = belkin_program(firm_account=firm_account, required_photos=[])
    return Belkin(firm_account=firm_account, program=program, alice=alice, rose=rose)


def file_claim(
    program: Program,
    n: int,
    *,
    model: str = "MMA008",
    remedy: str = "refund",
    canadian: bool = False,
    receipt_amount: Decimal | None = None,
    payout_method: str | None = None,
) -> Claim:
    """Owner number n files a claim as the public form would; serials differ by n."""
    prefix = {"MMA008": "57X", "BPB002": "35S", "PB0003": "77Q"}[model]
    method = payout_method or ("paypal" if remedy == "refund" else "none")
    details = {"paypal_email": f"owner{n}@paypal.example"} if method == "paypal" else {}
    where = {"address_line1": f"{n} S Aviation Blvd", "phone": f"310-555-{n:04d}"}
    if canadian:
        where = CANADIAN_ADDRESS | {"address_line1": f"{n} King St W", "phone": f"416-555-{n:04d}"}
    sent = submission(
        model_number=model,
        serial_number=f"{prefix}{n:011d}",
        remedy=remedy,
        receipt_amount=receipt_amount,
        receipt=receipt_file(seed=n) if receipt_amount is not None else None,
        photos=[],
        owner_name=f"Owner {n}",
        email=f"owner{n}@example.org",
        payout_method=method,
        payout_details=details,
        **where,
    )
    return claim_submit(program=program, submission=sent).claim
