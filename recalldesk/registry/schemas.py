"""Shapes of the registry's JSON API: what a client reads and which parameters it may send."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import field_validator

from recalldesk.registry.models import Agency, Recall, RemedyType

MAX_PAGE_SIZE = 100
# Far beyond any real page; keeps the offset inside what every database accepts.
MAX_PAGE = 1_000_000
MAX_TEXT = 200


class RecallQuery(Schema):
    """The filters of the recall list page, plus pagination."""

    q: str = Field("", max_length=MAX_TEXT, description="Words in title, product, text or firm.")
    date_from: dt.date | None = Field(None, description="Recall date on or after, YYYY-MM-DD.")
    date_to: dt.date | None = Field(None, description="Recall date on or before, YYYY-MM-DD.")
    hazard: str = Field("", max_length=MAX_TEXT, description="Words in the hazard.")
    remedy_type: RemedyType | None = Field(None, description="One of the remedy types.")
    retailer: str = Field("", max_length=MAX_TEXT, description="Text in where it was sold.")
    firm: str = Field("", max_length=MAX_TEXT, description="Part of a firm's name.")
    country: str = Field("", max_length=MAX_TEXT, description="Country of manufacture.")
    agency: Agency | None = Field(None, description="The agency that published the recall.")
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Pages past the last one are empty.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("date_from", "date_to", "remedy_type", "agency", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # A form left blank sends "remedy_type="; that means "any", not an error.
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("q", "hazard", "retailer", "firm", "country")
    @classmethod
    def _printable(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value.strip()


class ErrorOut(Schema):
    detail: str


class FirmOut(Schema):
    name: str
    location: str
    role: str
    published_name: str


class ProductOut(Schema):
    name: str
    description: str
    product_type: str
    category_id: str
    units_text: str


class ImageOut(Schema):
    url: str
    caption: str


class JointRecallOut(Schema):
    url: str


class SoldPeriodOut(Schema):
    first_month: str | None = Field(description="YYYY-MM")
    last_month: str | None = Field(description="YYYY-MM")


class PriceRangeOut(Schema):
    min: str | None = Field(description="A decimal amount as a string, e.g. 29.00.")
    max: str | None = Field(description="A decimal amount as a string, e.g. 180.00.")
    currency: str


def _text(item: Any, key: str) -> str:
    """Text stored as a plain string or under this key of a dict."""
    if isinstance(item, dict):
        return str(item.get(key) or "")
    return str(item) if item else ""


def _month(value: dt.date | None) -> str | None:
    return value.strftime("%Y-%m") if value else None


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class _RecallBase(Schema):
    agency: str
    number: str
    number_normalized: str
    title: str
    recall_date: dt.date | None
    last_published_date: dt.date | None
    url: str
    product_name: str
    hazard: str
    remedy_types: list[str]
    units_total: int | None
    firms: list[FirmOut]

    @staticmethod
    def resolve_remedy_types(obj: Recall) -> list[str]:
        return obj.remedy_type_list

    @staticmethod
    def resolve_firms(obj: Recall) -> list[dict]:
        return [
            {
                "name": link.firm.name,
                "location": link.firm.location,
                "role": link.role,
                "published_name": link.published_name,
            }
            for link in obj.firm_links.all()
        ]


class RecallSummaryOut(_RecallBase):
    """A recall in a list: enough to choose it; the full record is at detail_url."""

    product_names: list[str]
    detail_url: str

    @staticmethod
    def resolve_product_names(obj: Recall) -> list[str]:
        return [product.name for product in obj.products.all()]

    @staticmethod
    def resolve_detail_url(obj: Recall, context: dict) -> str:
        path = reverse("api:recall_detail", kwargs={"number": obj.number_normalized})
        return context["request"].build_absolute_uri(path)


class RecallOut(_RecallBase):
    """A recall with every field Recall Desk holds for it."""

    cpsc_recall_id: int | None
    description: str
    hazard_types: list[Any]
    consumer_action: str
    remedy_text: str
    consumer_contact: str
    units_text: str
    units_by_country: dict[str, int] = Field(description="Units sold by ISO country code.")
    sold_at_label: str
    sold_at_text: str
    retailers: list[str]
    sold_period: SoldPeriodOut | None
    price_range: PriceRangeOut | None
    manufactured_in: str
    manufacture_countries: list[str]
    incidents_text: str
    injuries_text: str
    images: list[ImageOut]
    joint_recalls: list[JointRecallOut]
    product_upcs: list[str]
    products: list[ProductOut]
    extra: dict[str, Any]
    updated_at: dt.datetime

    @staticmethod
    def resolve_sold_period(obj: Recall) -> dict | None:
        if not (obj.sold_from or obj.sold_to):
            return None
        return {"first_month": _month(obj.sold_from), "last_month": _month(obj.sold_to)}

    @staticmethod
    def resolve_price_range(obj: Recall) -> dict | None:
        if obj.price_min is None and obj.price_max is None:
            return None
        return {
            "min": _amount(obj.price_min),
            "max": _amount(obj.price_max),
            "currency": obj.price_currency,
        }

    @staticmethod
    def resolve_manufacture_countries(obj: Recall) -> list[str]:
        return obj.manufacture_country_list

    @staticmethod
    def resolve_images(obj: Recall) -> list[dict]:
        return [
            {"url": _text(image, "url"), "caption": _text(image, "caption")} for image in obj.images
        ]

    @staticmethod
    def resolve_joint_recalls(obj: Recall) -> list[dict]:
        return [{"url": _text(joint, "url")} for joint in obj.joint_recalls]

    @staticmethod
    def resolve_product_upcs(obj: Recall) -> list[str]:
        return [_text(upc, "upc") for upc in obj.product_upcs]

    @staticmethod
    def resolve_products(obj: Recall) -> list[Any]:
        return list(obj.products.all())


class RecallPageOut(Schema):
    count: int = Field(description="Recalls matching the filters, on all pages.")
    page: int
    page_size: int
    next: str | None
    previous: str | None
    results: list[RecallSummaryOut]
