"""What the importers hand to the registry: parsed records, rejected records, domain errors."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

CPSC_CSV = "cpsc-csv"
CPSC_JSON = "cpsc-json"
HEALTH_CANADA_JSON = "health-canada-json"
# When two sources publish on the same day, the earlier format here wins a field.
FORMAT_PRIORITY = (CPSC_CSV, CPSC_JSON, HEALTH_CANADA_JSON)
FORMATS = (*FORMAT_PRIORITY, "auto")


class UnreadableFile(Exception):
    """A file no importer can read as a whole; nothing in it was imported."""


class RecordRejected(Exception):
    """One record cannot be imported; the reason says why, the rest of the file goes on."""


# The Recall fields an importer fills, with their empty values. A merged recall takes each
# from the newest source record that has it.
RECALL_FIELDS: dict[str, object] = {
    "agency": "",
    "number": "",
    "number_normalized": "",
    "cpsc_recall_id": None,
    "title": "",
    "recall_date": None,
    "last_published_date": None,
    "url": "",
    "product_name": "",
    "description": "",
    "hazard": "",
    "hazard_types": [],
    "consumer_action": "",
    "remedy_text": "",
    "remedy_types": "",
    "consumer_contact": "",
    "units_text": "",
    "units_total": None,
    "units_by_country": {},
    "sold_at_label": "",
    "sold_at_text": "",
    "retailers": [],
    "sold_from": None,
    "sold_to": None,
    "price_min": None,
    "price_max": None,
    "price_currency": "",
    "manufactured_in": "",
    "manufacture_countries": "",
    "incidents_text": "",
    "injuries_text": "",
    "images": [],
    "joint_recalls": [],
    "product_upcs": [],
    "extra": {},
}


@dataclass(frozen=True, kw_only=True)
class ParsedProduct:
    name: str
    description: str = ""
    product_type: str = ""
    category_id: str = ""
    units_text: str = ""


@dataclass(frozen=True, kw_only=True)
class ParsedRecord:
    """One recall as one source published it, read into Recall fields."""

    position: str
    source_format: str
    payload: dict
    recall: dict
    products: list[ParsedProduct] = field(default_factory=list)
    firms: list[tuple[str, str]] = field(default_factory=list)
    published_date: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.recall["agency"], self.recall["number_normalized"])


@dataclass(frozen=True)
class RejectedRecord:
    position: str
    reason: str


@dataclass(frozen=True)
class ParsedFile:
    source_format: str
    records: list[ParsedRecord]
    rejected: list[RejectedRecord]


def recall_fields(**values: object) -> dict:
    """A full set of Recall fields: the given values, every other field empty."""
    unknown = set(values) - set(RECALL_FIELDS)
    if unknown:
        raise KeyError(f"not Recall fields: {sorted(unknown)}")
    fields = {
        name: (empty.copy() if isinstance(empty, list | dict) else empty)
        for name, empty in RECALL_FIELDS.items()
    }
    fields.update(values)
    return fields


def money(value: Decimal | None) -> Decimal | None:
    """Cents, as the price columns store them."""
    return None if value is None else value.quantize(Decimal("0.01"))
