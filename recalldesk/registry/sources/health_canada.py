"""Health Canada's recalls and safety alerts open data (HCRSAMOpenData.json)."""

from recalldesk.registry.models import Agency
from recalldesk.registry.sources.parsing import clean_text, normalize_recall_number, parse_date
from recalldesk.registry.sources.reading import decode_json_list, object_kind
from recalldesk.registry.sources.records import (
    HEALTH_CANADA_JSON,
    ParsedProduct,
    ParsedRecord,
    RecordRejected,
    RejectedRecord,
    recall_fields,
)


def looks_like(item: object) -> bool:
    return isinstance(item, dict) and "NID" in item


def parse(text: str, *, name: str) -> tuple[list[ParsedRecord], list[RejectedRecord]]:
    """Every record of the open-data file: parsed, or rejected with its index and reason."""
    records: list[ParsedRecord] = []
    rejected: list[RejectedRecord] = []
    for index, item in enumerate(decode_json_list(text, name=name), start=1):
        position = f"record {index}"
        try:
            records.append(record_from_payload(item, position))
        except RecordRejected as error:
            rejected.append(RejectedRecord(position, str(error)))
    return records, rejected


def _archived(value: object) -> bool:
    return clean_text(value).lower() in {"1", "true", "yes", "y"}


def record_from_payload(payload: object, position: str) -> ParsedRecord:
    """One Health Canada record read into Recall fields."""
    if not isinstance(payload, dict):
        raise RecordRejected(f"is {object_kind(payload)}, not a recall record")
    raw_number = payload.get("NID")
    number = clean_text(raw_number) if isinstance(raw_number, str | int) else ""
    normalized = normalize_recall_number(number)
    if not normalized or isinstance(raw_number, bool):
        raise RecordRejected("has no NID")
    title = clean_text(payload.get("Title"))
    product_name = clean_text(payload.get("Product"))
    if not (title or product_name):
        raise RecordRejected(f"recall {number} has neither a Title nor a Product")
    try:
        last_updated = parse_date(payload.get("Last updated"))
    except ValueError as error:
        raise RecordRejected(f"recall {number}: Last updated {error}") from None

    extra = {
        key: value
        for key, value in (
            ("organization", clean_text(payload.get("Organization"))),
            ("category", clean_text(payload.get("Category"))),
            ("recall_class", clean_text(payload.get("Recall class"))),
        )
        if value
    }
    extra["archived"] = _archived(payload.get("Archived"))
    recall = recall_fields(
        agency=Agency.HEALTH_CANADA.value,
        number=number[:40],
        number_normalized=normalized,
        title=title or product_name,
        # Health Canada publishes one date; it stands for both.
        recall_date=last_updated,
        last_published_date=last_updated,
        url=clean_text(payload.get("URL"))[:500],
        product_name=product_name,
        hazard=clean_text(payload.get("Issue")),
        consumer_action=clean_text(payload.get("What you should do")),
        extra=extra,
    )
    return ParsedRecord(
        position=position,
        source_format=HEALTH_CANADA_JSON,
        payload=payload,
        recall=recall,
        products=[ParsedProduct(name=product_name or title)],
        firms=[],
        published_date=last_updated,
    )
