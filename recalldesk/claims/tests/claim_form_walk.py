"""An owner walking the public claim form with Django's test client, step by step.

The program is the demo Belkin program for recall 26-090 (load_demo_program); the files are
small PNGs drawn with Pillow, each different so no two look alike to the duplicate checks.
"""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from recalldesk.claims.management.commands.load_demo_program import demo_program_load
from recalldesk.claims.models import Program

MODEL = "MMA008"
SERIAL = "57X00000000001"
RECEIPT_AMOUNT = "59.99"

CONTACT = {
    "owner_name": "Alice Moreau",
    "email": "alice.moreau@example.org",
    "phone": "555 201 3344",
    "address_line1": "12 Harbor Street",
    "address_line2": "",
    "city": "Portland",
    "region": "OR",
    "postal_code": "97201",
}


def demo_program(tmp_path: Path) -> Program:
    """The demo Belkin program for 26-090, as `make run` loads it."""
    return demo_program_load(credentials_path=tmp_path / "demo-credentials.txt").program


def png(seed: int, *, size: tuple[int, int] = (320, 240), text: str = "") -> bytes:
    """A PNG unlike any other seed's: stripes and blocks placed by the seed."""
    image = Image.new("RGB", size, (250, 250, 245))
    draw = ImageDraw.Draw(image)
    step = 12 + seed * 7
    for x in range(0, size[0], step):
        shade = (x * (seed + 3)) % 200
        draw.rectangle([x, 0, x + step // 2, size[1]], fill=(shade, 80 + seed * 30 % 150, 40))
    draw.ellipse([20 + seed * 25, 30, 140 + seed * 25, 200], fill=(10, 10 + seed * 40, 120))
    if text:
        draw.text((10, 10), text, fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str, seed: int, *, text: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(seed, text=text), content_type="image/png")


def step_url(program: Program, step: str) -> str:
    if step == "review":
        return reverse("claims:review", args=[program.slug])
    return reverse("claims:step", args=[program.slug, step])


def post_step(client: Client, program: Program, step: str, data: dict):
    return client.post(step_url(program, step), data)


def product_id(program: Program, model_number: str = MODEL) -> int:
    return program.products.get(model_number=model_number).id


def proof_data(*, amount: str | None = RECEIPT_AMOUNT, receipt: bool = True) -> dict:
    data: dict = {"receipt_amount": amount or ""}
    if receipt:
        data["receipt"] = png_upload("receipt.png", 1, text="BELKIN  MMA008  59.99")
    data["photo-1"] = png_upload("front.png", 2)
    data["photo-2"] = png_upload("back.png", 3)
    return data


def walk_to_review(
    client: Client,
    program: Program,
    *,
    serial: str = SERIAL,
    country: str = "US",
    amount: str | None = RECEIPT_AMOUNT,
    remedy: str = "store_credit",
    contact: dict | None = None,
) -> None:
    """Answer every step, checking each one moves on; the draft is then ready to submit."""
    answers = [
        ("product", {"product": product_id(program), "country": country}, "model"),
        ("model", {"model_number": MODEL, "serial_number": serial}, "proof"),
        ("proof", proof_data(amount=amount, receipt=amount is not None), "remedy"),
        ("remedy", {"remedy": remedy}, "contact"),
        ("contact", contact or dict(CONTACT, payout_method="check"), "review"),
    ]
    for step, data, following in answers:
        response = post_step(client, program, step, data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
        assert response["Location"] == step_url(program, following), (step, response["Location"])
