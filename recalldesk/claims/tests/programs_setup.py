"""Programs and claims for tests: the demo program for recall 26-090, and claims filed under it.

Claims are written directly here (not through claim_submit) so the program pages can be
tested on their own; the claim's fields are those an owner gives on the form.
"""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from recalldesk.claims.eligibility import serial_normalize
from recalldesk.claims.management.commands.load_demo_program import DemoSetup, demo_program_load
from recalldesk.claims.models import Claim, ClaimEvent, Evidence, Program, ProgramProduct
from recalldesk.claims.program_terms import ProgramTerms
from recalldesk.claims.programs import program_create
from recalldesk.registry.models import Recall

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo(tmp_path: Path) -> DemoSetup:
    """The demo firm, its two staff and its program for 26-090, credentials under tmp_path."""
    return demo_program_load(credentials_path=tmp_path / "demo-credentials.txt")


def program_for(firm_account, actor, recall_number: str, **terms) -> Program:
    """A firm's program for one of its recalls, with the demo's terms unless told otherwise."""
    values = {
        "name": f"{firm_account.name} recall {recall_number}",
        "opens_at": timezone.now() - timedelta(days=1),
        "store_credit_bonus_rate": Decimal("0.20"),
        "currencies": {"US": "USD", "CA": "CAD"},
        "required_photos": ("Front of the product",),
        **terms,
    }
    return program_create(
        actor=actor,
        firm_account=firm_account,
        recall=Recall.objects.get(number=recall_number),
        terms=ProgramTerms(**values),
    )


def claim_for(
    program: Program,
    product: ProgramProduct,
    *,
    serial: str,
    receipt_amount: Decimal | None = Decimal("59.99"),
    amount: Decimal = Decimal("71.99"),
    email: str = "owner@example.com",
) -> Claim:
    """A submitted claim with one photo and its first history entry."""
    claim = Claim.objects.create(
        program=program,
        product=product,
        number=f"T{secrets.token_hex(4).upper()}",
        status_token_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        serial_number=serial,
        serial_normalized=serial_normalize(serial),
        country="US",
        currency="USD",
        receipt_amount=receipt_amount,
        remedy="store_credit",
        amount=amount,
        owner_name="Pat Owner",
        email=email,
        email_normalized=email.lower(),
        phone="+1 555 0100",
        phone_normalized="15550100",
        address_line1="1 Main Street",
        city="Springfield",
        region="IL",
        postal_code="62701",
        address_normalized="1 main street springfield il 62701",
        payout_method="none",
    )
    Evidence.objects.create(
        claim=claim,
        kind="photo",
        label="Back of the product, showing the serial number",
        stored_name=f"{secrets.token_hex(16)}.jpg",
        content_type="image/jpeg",
        size=200_000,
        sha256=secrets.token_hex(32),
        width=1200,
        height=900,
    )
    ClaimEvent.objects.create(claim=claim, actor_label="owner", to_status="submitted")
    return claim
