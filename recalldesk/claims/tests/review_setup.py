"""A Belkin program with claims in every corner of the review queue, for the review pages.

Claims are written through programs_setup.claim_for (as an owner would give them); a claim's
status, country, age or fraud signal is then set directly, as the queue only reads them.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from recalldesk.accounts.models import Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.models import Claim, FraudSignal
from recalldesk.claims.programs import SerialRuleInput, program_product_add
from recalldesk.claims.tests.programs_setup import claim_for, program_for


def review_world() -> dict:
    """Belkin: alice (admin), rose (reviewer), carol (viewer), a program with two products and
    five claims; Anker: dan (admin), bob (reviewer), with a program of its own."""
    belkin = factories.belkin()
    alice = belkin.memberships.get().user
    program = program_for(belkin, alice, "26-090")
    stand = program_product_add(
        actor=alice,
        program=program,
        model_number="MMA008",
        name="Auto-Tracking Stand Pro",
        rule=SerialRuleInput(kind="prefix", prefix="57X", length=14),
    )
    bank = program_product_add(
        actor=alice,
        program=program,
        model_number="BPB002",
        name="BoostCharge power bank",
        rule=SerialRuleInput(kind="prefix", prefix="35S", length=14),
    )
    clean = claim_for(program, stand, serial="57X00000000001", email="ann@example.org")
    clean_two = claim_for(program, stand, serial="57X00000000002", email="ben@example.org")
    flagged = claim_for(program, stand, serial="57X00000000003", email="cal@example.org")
    FraudSignal.objects.create(
        claim=flagged, code="duplicate_photo", reason="The photo of the back is also on claim X."
    )
    canadian = claim_for(
        program, bank, serial="35S00000000004", email="dee@example.ca", amount=Decimal("65.99")
    )
    Claim.objects.filter(pk=canadian.pk).update(country="CA", currency="CAD")
    old = claim_for(program, bank, serial="35S00000000005", email="eve@example.org")
    Claim.objects.filter(pk=old.pk).update(
        status="in_review", submitted_at=timezone.now() - timedelta(days=10)
    )
    anker = factories.anker()
    return {
        "alice": alice,
        "rose": factories.member(belkin, name="rose", domain="belkin.example", role=Role.REVIEWER),
        "carol": factories.member(belkin, name="carol", domain="belkin.example", role=Role.VIEWER),
        "dan": anker.memberships.get().user,
        "bob": factories.member(anker, name="bob", domain="anker.example", role=Role.REVIEWER),
        "program": program,
        "stand": stand,
        "bank": bank,
        "clean": clean,
        "clean_two": clean_two,
        "flagged": flagged,
        "canadian": canadian,
        "old": old,
    }
