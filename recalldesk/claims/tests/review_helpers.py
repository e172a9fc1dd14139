"""Claims filed through claim_submit under Belkin's real program (26-090), and its reviewers.

Each claim gets its own serial, owner and photos, and starts without fraud signals; a test
that wants a signal adds one as the detector would.
"""

from dataclasses import replace
from decimal import Decimal

from django.db.models import Q

from recalldesk.accounts.models import Membership, Role
from recalldesk.accounts.services import staff_user_create
from recalldesk.claims.models import Claim, FraudSignal, Program
from recalldesk.claims.services import claim_submit
from recalldesk.claims.tests.submit_helpers import photo_files, receipt_file, submission


def staff(program: Program, name: str, role: str = Role.REVIEWER):
    """A staff member of the program's firm with a role, e.g. Rosa the reviewer."""
    user = staff_user_create(
        email=f"{name}@belkin.example", first_name=name.capitalize(), last_name="Demo"
    )
    Membership.objects.create(user=user, firm_account=program.firm_account, role=role)
    return user


def file_claim(
    program: Program,
    n: int = 1,
    *,
    remedy: str = "store_credit",
    country: str = "US",
    receipt_amount: Decimal | None = Decimal("59.99"),
) -> Claim:
    """Owner n's claim for charging stand MMA008, serial 57X followed by n, with no signals."""
    sent = replace(
        submission(),
        serial_number=f"57X{n:011d}",
        email=f"owner{n}@example.org",
        owner_name=f"Owner {n}",
        phone=f"310-555-{n % 10000:04d}",
        address_line1=f"{100 + n} S Aviation Blvd",
        country=country,
        region="ON" if country == "CA" else "CA",
        postal_code="M5V 2T6" if country == "CA" else "90245",
        remedy=remedy,
        payout_method="check" if remedy == "refund" else "none",
        receipt_amount=receipt_amount,
        receipt=receipt_file(seed=1000 + n) if receipt_amount else None,
        photos=photo_files(seed=10 + n * 3),
    )
    claim = claim_submit(program=program, submission=sent).claim
    # The test's owners are distinct people, but their generated photos look alike to the
    # perceptual hash, which flags both claims; a test that wants a signal adds one.
    FraudSignal.objects.filter(Q(claim=claim) | Q(related_claim=claim)).delete()
    return claim


def flag(claim: Claim, reason: str = "The receipt was already sent with another claim.") -> None:
    """Give the claim a fraud signal, as the detector would."""
    FraudSignal.objects.create(claim=claim, code="receipt_reused", reason=reason)
