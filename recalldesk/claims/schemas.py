"""Shapes of the claims API: a claim as filed through multipart, and the public program terms."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from recalldesk.claims.eligibility import serial_rule_describe
from recalldesk.claims.models import DestructionProof, Program, ProgramProduct, Remedy
from recalldesk.claims.submission_checks import remedies_offered

MAX_TEXT = 200


class ClaimIn(Schema):
    """The form fields of POST /api/claims (multipart/form-data, beside the files)."""

    program: str = Field("", description="The program's slug, e.g. belkin-26-090.")
    model_number: str = Field("", description="As printed on the product, e.g. MMA008.")
    serial_number: str = Field("", description="As printed on the product, e.g. 57X00000000001.")
    country: str = Field("", description="Where the product was bought: US or CA.")
    receipt_amount: str = Field(
        "",
        description='The amount on the receipt, e.g. "59.99" ("59,99" also reads); '
        "required with a receipt, empty without one.",
    )
    remedy: str = Field("", description="refund, store_credit, replacement or repair.")
    owner_name: str = ""
    email: str = ""
    phone: str = Field("", description="Optional.")
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    region: str = Field("", description="State or province.")
    postal_code: str = ""
    payout_method: str = Field(
        "",
        description="For a refund: check, paypal or bank_transfer (the payment provider "
        "e-mails a link for bank details). Ignored for other remedies.",
    )
    paypal_email: str = Field("", description="The PayPal account's e-mail, with paypal.")
    # The labels of photo_1 .. photo_10; an empty label fills the next required photo.
    photo_1_label: str = ""
    photo_2_label: str = ""
    photo_3_label: str = ""
    photo_4_label: str = ""
    photo_5_label: str = ""
    photo_6_label: str = ""
    photo_7_label: str = ""
    photo_8_label: str = ""
    photo_9_label: str = ""
    photo_10_label: str = ""


class ClaimOut(Schema):
    number: str = Field(description="The claim number, e.g. RD-7K4M-Q2XP.")
    status: str = Field(description="submitted, needs_info, in_review, approved, ...")
    status_url: str | None = Field(
        description="The owner's private status page. Keep it secret: it opens the claim."
    )
    amount: Decimal = Field(description="What the claim pays if approved, e.g. 71.99.")
    currency: str = Field(description="USD or CAD.")
    remedy: str


class ClaimErrorOut(Schema):
    detail: str = Field(description="What to change, in plain words.")
    field: str | None = Field(description="The field at fault, when one is.")


class PriceOut(Schema):
    currency: str
    amount: Decimal


class ProductOut(Schema):
    model_number: str
    name: str
    serial_rule: str = Field(description='In words, e.g. "Serial numbers start with 57X ...".')
    serial_help: str = Field(description="Where the serial number is printed.")
    average_prices: list[PriceOut] = Field(
        description="Refunded without a receipt; is_demo programs hold demo values."
    )

    @staticmethod
    def of(product: ProgramProduct) -> "ProductOut":
        return ProductOut(
            model_number=product.model_number,
            name=product.name,
            serial_rule=f"Serial numbers {serial_rule_describe(product)}.",
            serial_help=product.serial_help,
            average_prices=[
                PriceOut(currency=price.currency, amount=price.amount)
                for price in product.prices.all()
            ],
        )


class RemedyOut(Schema):
    code: str
    label: str


class ProgramOut(Schema):
    slug: str
    name: str
    firm: str
    recall_number: str
    recall_title: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    receipt_required: bool
    required_photos: list[str] = Field(description="Labels of the photos each claim needs.")
    destruction_proof: str = Field(description="none, photo or claim_number_photo.")
    destruction_proof_label: str
    remedies: list[RemedyOut]
    store_credit_bonus_rate: Decimal | None = Field(description="0.20: store credit is 120%.")
    currencies: dict[str, str] = Field(description='Countries served and currency: {"US": "USD"}.')
    disposal_instructions: str
    products: list[ProductOut]
    is_demo: bool

    @staticmethod
    def of(program: Program) -> "ProgramOut":
        return ProgramOut(
            slug=program.slug,
            name=program.name,
            firm=program.firm_account.name,
            recall_number=program.recall.number,
            recall_title=program.recall.title,
            opens_at=program.opens_at,
            closes_at=program.closes_at,
            receipt_required=program.receipt_required,
            required_photos=list(program.required_photos or []),
            destruction_proof=program.destruction_proof,
            destruction_proof_label=DestructionProof(program.destruction_proof).label,
            remedies=[
                RemedyOut(code=code, label=Remedy(code).label) for code in remedies_offered(program)
            ],
            store_credit_bonus_rate=program.store_credit_bonus_rate,
            currencies=dict(program.currencies or {}),
            disposal_instructions=program.disposal_instructions,
            products=[ProductOut.of(product) for product in program.products.all()],
            is_demo=program.is_demo,
        )


class EligibilityQuery(Schema):
    program: str = Field(max_length=MAX_TEXT, description="The program's slug.")
    model: str = Field("", max_length=MAX_TEXT, description="Model number as typed.")
    serial: str = Field("", max_length=MAX_TEXT, description="Serial number as typed.")
    country: str = Field("", max_length=2, description="US or CA: adds the amounts.")
    receipt_amount: str = Field("", max_length=40, description="With country: refund base.")


class AmountsOut(Schema):
    currency: str
    refund: Decimal | None
    store_credit: Decimal | None


class EligibilityOut(Schema):
    status: str = Field(description="eligible, not_eligible, need_serial, possible, unknown_model")
    message: str = Field(description="The answer in plain words, to show as it is.")
    suggestion: str | None = Field(description="For possible: the model number meant.")
    product: ProductOut | None
    amounts: AmountsOut | None = Field(
        description="With country (and receipt_amount): what each remedy pays."
    )
