"""The Belkin program for recall 26-090, owners' submissions and files, for the submission tests.

The program is the one Belkin's notice describes (real recall 26-090 of the bundled CPSC
data): charging stand MMA008 with serials of 14 characters starting 57X, power bank BPB002
starting 35S, power bank PB0003 all serials; a refund of the receipt amount (or the model's
average price, demo values within the $29 to $180 the recall names), or store credit worth
20% more; photos of the front and of the back showing the serial. Made here, directly, so
these tests do not wait for the demo command.
"""

import csv
import datetime as dt
import io
import struct
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from recalldesk.accounts.models import FirmAccount
from recalldesk.claims.models import (
    AveragePrice,
    Claim,
    ClaimEvent,
    Evidence,
    FraudSignal,
    IdempotencyKey,
    Program,
    ProgramProduct,
    SerialRuleKind,
)
from recalldesk.claims.submission import ClaimSubmission
from recalldesk.registry.models import FirmRole, Recall

RECALL = "26-090"
CPSC_CSV = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
FRONT = "Front of the product"
BACK = "Back, showing the serial number"
SERIAL = "57X00000000001"
# (model, name, rule, prefix, length, USD, CAD): average prices are demo values.
PRODUCTS = (
    ("MMA008", "Wireless charging stand", SerialRuleKind.PREFIX, "57X", 14, "89.99", "119.99"),
    ("BPB002", "Portable power bank", SerialRuleKind.PREFIX, "35S", 14, "49.99", "66.99"),
    ("PB0003", "Portable power bank", SerialRuleKind.ALL, "", None, "29.99", "39.99"),
)


def recall_ensure(number: str = RECALL) -> Recall:
    """The recall as imported from the bundled CSV; imported again if a flush removed it."""
    from recalldesk.registry.services import recalls_import_file

    recall = Recall.objects.filter(number=number).first()
    if recall is not None:
        return recall
    with CPSC_CSV.open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["Recall Number"] == number]
        columns = reader.fieldnames or []
    assert rows, f"recall {number} is not in {CPSC_CSV.name}"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"cpsc-{number}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        recalls_import_file(path=path, source_format="cpsc-csv")
    return Recall.objects.get(number=number)


def belkin_program(*, slug: str = "belkin-26-090", **terms) -> Program:
    """Belkin's program for 26-090 as its notice describes it; terms override fields."""
    recall = recall_ensure()
    link = recall.firm_links.filter(role=FirmRole.MANUFACTURER).select_related("firm").first()
    firm_account, _ = FirmAccount.objects.get_or_create(
        slug="belkin-demo",
        defaults={
            "name": "Belkin International Inc. (demo)",
            "registry_firm": link.firm if link else None,
        },
    )
    fields = {
        "firm_account": firm_account,
        "recall": recall,
        "name": "Belkin charging stands and power banks (26-090)",
        "slug": slug,
        "opens_at": timezone.now() - dt.timedelta(days=10),
        "receipt_required": False,
        "required_photos": [FRONT, BACK],
        "refund_offered": True,
        "store_credit_bonus_rate": Decimal("0.20"),
        "currencies": {"US": "USD", "CA": "CAD"},
        "disposal_instructions": "Take it to a household hazardous waste collection center.",
        **terms,
    }
    program = Program.objects.create(**fields)
    for model, name, rule, prefix, length, usd, cad in PRODUCTS:
        product = ProgramProduct.objects.create(
            program=program,
            name=name,
            model_number=model,
            model_normalized=model,
            serial_rule_kind=rule,
            serial_prefix=prefix,
            serial_length=length,
        )
        for currency, amount in (("USD", usd), ("CAD", cad)):
            AveragePrice.objects.create(
                product=product, currency=currency, amount=Decimal(amount), is_demo_value=True
            )
    return program


def picture_bytes(
    *, size: tuple[int, int] = (640, 480), image_format: str = "JPEG", seed: int = 0
) -> bytes:
    """A photo-like picture (shapes on a gradient); seed moves the shapes."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    shift = (seed * 37) % max(1, width // 4)
    draw.ellipse((width // 8 + shift, height // 6, width // 2 + shift, height * 5 // 6), fill="red")
    draw.rectangle((width * 5 // 8, height // 4, width * 7 // 8, height // 2), fill="navy")
    draw.text((10 + shift, 10), f"57X{seed:011d}", fill="white")
    output = io.BytesIO()
    image.save(output, format=image_format, quality=90)
    return output.getvalue()


def noise_jpeg(*, target_bytes: int, seed: int = 0) -> bytes:
    """A JPEG of random pixels close to target_bytes (random pixels barely compress)."""
    import random

    generator = random.Random(seed)
    side = max(16, int((target_bytes / 1.1) ** 0.5 / 1.0))
    pixels = bytes(generator.getrandbits(8) for _ in range(side * side * 3))
    image = Image.frombytes("RGB", (side, side), pixels)
    for quality in (90, 80, 70, 60, 50):
        output = io.BytesIO()
        image.save(output, format="JPEG", quality=quality)
        if output.tell() <= target_bytes * 1.1:
            break
    return output.getvalue()


def png_of_size(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of any size, written by hand: a few KB even at 20000 x 20000."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def receipt_file(seed: int = 100) -> SimpleUploadedFile:
    return upload("receipt.jpg", picture_bytes(seed=seed))


def photo_files(seed: int = 1) -> list[tuple[str, SimpleUploadedFile]]:
    return [
        (FRONT, upload("front.jpg", picture_bytes(seed=seed))),
        (BACK, upload("back.jpg", picture_bytes(seed=seed + 1, image_format="PNG"), "image/png")),
    ]


def submission(**changes) -> ClaimSubmission:
    """The acceptance case: MMA008 57X00000000001, a $59.99 receipt, two photos, store credit."""
    base = ClaimSubmission(
        model_number="MMA008",
        serial_number=SERIAL,
        country="US",
        receipt_amount=Decimal("59.99"),
        remedy="store_credit",
        owner_name="Jordan Rivera",
        email="jordan.rivera@example.org",
        phone="310-555-0123",
        address_line1="555 S Aviation Blvd",
        address_line2="",
        city="El Segundo",
        region="CA",
        postal_code="90245",
        payout_method="none",
        payout_details={},
        receipt=receipt_file(),
        photos=photo_files(),
        destruction=None,
    )
    return replace(base, **changes)


def evidence_files() -> list[str]:
    """Every file under EVIDENCE_ROOT, relative to it."""
    root = Path(settings.EVIDENCE_ROOT)
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def saved_counts() -> dict[str, object]:
    """What a claim leaves behind: rows of each table and the evidence files."""
    return {
        "claims": Claim.objects.count(),
        "evidence": Evidence.objects.count(),
        "fraud_signals": FraudSignal.objects.count(),
        "events": ClaimEvent.objects.count(),
        "idempotency_keys": IdempotencyKey.objects.count(),
        "files": evidence_files(),
    }


@contextmanager
def nothing_saved() -> Iterator[None]:
    """Assert the block leaves no row and no file behind."""
    before = saved_counts()
    yield
    after = saved_counts()
    assert after == before, f"left behind: {before} -> {after}"


@pytest.fixture
def evidence_root(settings, tmp_path):
    """Evidence files under this test's own directory, counted before and after."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT
