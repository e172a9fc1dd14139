"""Programs, claims and files for the evidence tests.

Programs and claims are made directly here, not through the claim services (written alongside),
for Belkin's real recall 26-090 of the bundled CPSC data. Files are made in code.
"""

import io
import struct
import uuid
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image, ImageDraw
from pypdf import PdfWriter

from recalldesk.accounts.models import FirmAccount
from recalldesk.claims.models import Claim, Program, ProgramProduct, SerialRuleKind
from recalldesk.registry.models import Recall

# 40.4462 N, 79.9822 W, as EXIF writes it: degrees, minutes, seconds.
GPS_LATITUDE = (40.0, 26.0, 46.32)
GPS_LONGITUDE = (79.0, 58.0, 55.92)


def program_for(
    firm_account: FirmAccount, *, recall_number: str = "26-090", recall: Recall | None = None
) -> Program:
    """A program of the firm for a real recall, with MMA008 eligible (serials 57X, 14 long)."""
    recall = recall or Recall.objects.get(number=recall_number)
    program = Program.objects.create(
        firm_account=firm_account,
        recall=recall,
        name=f"{firm_account.name} recall {recall.number}",
        slug=f"{firm_account.slug}-{recall.number}-{uuid.uuid4().hex[:6]}",
        opens_at=timezone.now(),
        receipt_required=False,
        required_photos=["Back, showing the serial number"],
        currencies={"US": "USD"},
    )
    ProgramProduct.objects.create(
        program=program,
        name="Wireless charging stand",
        model_number="MMA008",
        model_normalized="MMA008",
        serial_rule_kind=SerialRuleKind.PREFIX,
        serial_prefix="57X",
        serial_length=14,
    )
    return program


def claim_for(program: Program, *, serial_number: str = "57X00000000001") -> Claim:
    """A submitted claim under the program, as an owner in Pittsburgh would file it."""
    token = uuid.uuid4().hex
    return Claim.objects.create(
        program=program,
        product=program.products.get(),
        number=f"T{token[:8].upper()}",
        status_token_hash=token * 2,
        serial_number=serial_number,
        serial_normalized=serial_number,
        country="US",
        currency="USD",
        receipt_amount=Decimal("59.99"),
        remedy="refund",
        amount=Decimal("59.99"),
        owner_name="Pat Owner",
        email="pat@example.org",
        email_normalized="pat@example.org",
        address_line1="1 Grant Street",
        city="Pittsburgh",
        region="PA",
        postal_code="15219",
        address_normalized="1 grant street pittsburgh pa 15219",
        payout_method="check",
    )


def picture(size: tuple[int, int] = (320, 240), mode: str = "RGB") -> Image.Image:
    """A picture with shapes, so its perceptual hash is not all zeros."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 8, height // 6, width // 2, height * 5 // 6), fill=(200, 30, 30))
    draw.rectangle((width * 5 // 8, height // 4, width * 7 // 8, height // 2), fill=(20, 20, 160))
    return image.convert(mode)


def gps_exif(orientation: int = 1) -> Image.Exif:
    """EXIF with a GPS position and an orientation, as a phone camera writes them."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Recall Desk test camera"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: GPS_LONGITUDE,
    }
    return exif


def image_bytes(image_format: str, image: Image.Image | None = None, **options: object) -> bytes:
    """The picture saved by Pillow (or pillow-heif for "HEIF") in a format."""
    output = io.BytesIO()
    (image or picture()).save(output, format=image_format, **options)
    return output.getvalue()


def png_of_size(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of any size, written by hand: a few KB even at 20000 x 20000.

    Pillow would need a byte per pixel in memory to make it; the file itself compresses to
    almost nothing, which is what makes such a file a decompression bomb.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    # Bit depth 1, greyscale: each row is a filter byte and width/8 bytes.
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    """A one-page PDF, as Pillow writes a scanned receipt."""
    return image_bytes("PDF", picture((300, 400)))


def encrypted_pdf_bytes() -> bytes:
    """The one-page PDF encrypted with pypdf (RC4, which needs no extra package)."""
    writer = PdfWriter()
    writer.add_blank_page(width=300, height=400)
    writer.encrypt(user_password="receipt", owner_password="owner", algorithm="RC4-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def empty_pdf_bytes() -> bytes:
    """A structurally sound PDF with no page at all."""
    output = io.BytesIO()
    PdfWriter().write(output)
    return output.getvalue()


def upload(
    data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    """An upload as Django hands it to a view; name and type are whatever the client claimed."""
    return SimpleUploadedFile(name, data, content_type=content_type)
