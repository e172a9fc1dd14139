"""Data of bench/review.py: recall 26-090, Belkin's demo program and claims made by bulk_create.

Claims are what claim_submit leaves behind for clean claims (a claim, its "submitted" event,
no fraud signal), written in batches instead of one by one so 100,000 take seconds. Each
measured run gets its own copy of the demo program, so runs never share rows.
"""

import csv
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

RECALL_NUMBER = "26-090"
BATCH = 5000
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Serial numbers that pass each demo product's rule (prefix and length, or any).
SERIAL_PREFIX = {"MMA008": "57X", "BPB002": "35S", "PB0003": "PB"}
CITIES = [
    ("Springfield", "IL", "62701", "US"),
    ("Austin", "TX", "73301", "US"),
    ("Portland", "OR", "97201", "US"),
    ("Toronto", "ON", "M5V 2T6", "CA"),
    ("Vancouver", "BC", "V6B 1A1", "CA"),
]


@dataclass(frozen=True)
class Demo:
    """The demo firm's reviewer and the program each run copies."""

    reviewer: object
    program: object


def recall_import(csv_path: Path) -> None:
    """Import 26-090's row of the bundled CPSC file through the importer."""
    from recalldesk.registry.services import recalls_import_file

    with csv_path.open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["Recall Number"] == RECALL_NUMBER]
    if not rows:
        raise SystemExit(f"{csv_path} holds no row of recall {RECALL_NUMBER}.")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cpsc-26-090.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=reader.fieldnames or [])
            writer.writeheader()
            writer.writerows(rows)
        recalls_import_file(path=path, source_format="cpsc-csv")


def demo_load(credentials_path: Path) -> Demo:
    """The demo firm, its admin and reviewer, and its program, as `make setup` makes them."""
    from recalldesk.accounts.models import Role
    from recalldesk.claims.management.commands.load_demo_program import (
        STAFF,
        demo_program_load,
    )

    setup = demo_program_load(credentials_path=credentials_path)
    email = next(email for email, role in STAFF if role == Role.REVIEWER)
    reviewer = setup.firm_account.memberships.get(user__email=email).user
    return Demo(reviewer=reviewer, program=setup.program)


def program_copy(demo, slug: str):
    """A new program with the demo program's terms, products and average prices."""
    from recalldesk.claims.models import AveragePrice, Program

    program = Program.objects.get(pk=demo.pk)
    products = list(demo.products.prefetch_related("prices"))
    program.pk = None
    program.slug = slug
    program.name = f"{demo.name} [{slug}]"
    program.save()
    for product in products:
        prices = list(product.prices.all())
        product.pk = None
        product.program = program
        product.save()
        AveragePrice.objects.bulk_create(
            AveragePrice(
                product=product,
                currency=price.currency,
                amount=price.amount,
                is_demo_value=price.is_demo_value,
            )
            for price in prices
        )
    return program


def _number(counter: int) -> str:
    characters = []
    for _ in range(8):
        counter, digit = divmod(counter, 32)
        characters.append(ALPHABET[digit])
    text = "".join(reversed(characters))
    return f"RD-{text[:4]}-{text[4:]}"


class ClaimMaker:
    """Makes unsaved clean claims of one program; numbers and tokens unique across programs."""

    counter = 0  # shared by every maker in the run: claim numbers are unique in the table

    def __init__(self, program, store_credit_percent: int = 40) -> None:
        from recalldesk.claims.remedies import remedy_amounts

        self.program = program
        self.store_credit_percent = store_credit_percent
        self.products = list(program.products.order_by("model_number"))
        # The amounts claim_submit would compute, once per product, currency and remedy.
        self.amounts = {}
        for product in self.products:
            for currency in set(program.currencies.values()):
                amounts = remedy_amounts(
                    program=program, product=product, currency=currency, receipt_amount=None
                )
                self.amounts[product.pk, currency, "refund"] = amounts.refund.amount
                self.amounts[product.pk, currency, "store_credit"] = amounts.store_credit.amount

    def claim(self, index: int):
        from recalldesk.claims.models import Claim

        ClaimMaker.counter += 1
        serial_counter = ClaimMaker.counter
        product = self.products[index % len(self.products)]
        city, region, postal_code, country = CITIES[index % len(CITIES)]
        currency = self.program.currencies[country]
        # Spread over the run, so every chunk of a bulk approval holds the same mix.
        remedy = "store_credit" if (index * 37) % 100 < self.store_credit_percent else "refund"
        serial = f"{SERIAL_PREFIX[product.model_normalized]}{serial_counter:011d}"
        email = f"owner{serial_counter}@example.org"
        phone = f"+1 555 {serial_counter % 10_000_000:07d}"
        return Claim(
            program=self.program,
            product=product,
            number=_number(serial_counter),
            status_token_hash=hashlib.sha256(f"bench-{serial_counter}".encode()).hexdigest(),
            serial_number=serial,
            serial_normalized=serial,
            country=country,
            currency=currency,
            receipt_amount=None,
            remedy=remedy,
            amount=self.amounts[product.pk, currency, remedy],
            owner_name=f"Owner {serial_counter}",
            email=email,
            email_normalized=email,
            phone=phone,
            phone_normalized="".join(c for c in phone if c.isdigit()),
            address_line1=f"{serial_counter} Main Street",
            city=city,
            region=region,
            postal_code=postal_code,
            address_normalized=f"{serial_counter} main st {postal_code.lower()}",
            payout_method="none" if remedy == "store_credit" else "check",
        )


def claims_make(program, *, clean: int, flagged: int = 0, store_credit_percent: int = 40) -> int:
    """Write `clean` claims and `flagged` claims with a fraud signal, each with its event."""
    from django.db import transaction

    from recalldesk.claims.models import Claim, ClaimEvent, FraudSignal

    maker = ClaimMaker(program, store_credit_percent)
    total = clean + flagged
    with transaction.atomic():
        for start in range(0, total, BATCH):
            stop = min(start + BATCH, total)
            claims = Claim.objects.bulk_create(maker.claim(i) for i in range(start, stop))
            ClaimEvent.objects.bulk_create(
                ClaimEvent(claim=claim, actor_label="owner", to_status="submitted")
                for claim in claims
            )
            FraudSignal.objects.bulk_create(
                FraudSignal(
                    claim=claim,
                    code="shared_contact",
                    reason="Bench: a claim bulk approval must leave for a reviewer.",
                )
                for i, claim in zip(range(start, stop), claims, strict=True)
                if i >= clean
            )
    return total


def tables_analyze() -> None:
    """Fresh planner statistics, as autovacuum would have after a day of claims."""
    from django.db import connection

    from recalldesk.claims.models import Claim, ClaimEvent, FraudSignal

    with connection.cursor() as cursor:
        for model in (Claim, ClaimEvent, FraudSignal):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
