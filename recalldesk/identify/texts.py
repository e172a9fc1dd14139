"""What of a recall is read for identifiers: its texts, and codes the source lists apart."""

from dataclasses import dataclass

from recalldesk.identify.extraction import (
    ExtractedIdentifier,
    Extraction,
    check_digit_ok,
    extract,
)
from recalldesk.identify.normalize import normalize_identifier
from recalldesk.registry.models import Product, Recall

CPSC_JSON = "cpsc-json"  # recalldesk.registry.sources.records.CPSC_JSON


@dataclass(frozen=True)
class RecallReading:
    """Everything extraction found for one recall, each identifier with the product it names."""

    extraction: Extraction
    products: dict[str, int]  # normalized identifier -> product id


def recall_read(recall: Recall) -> RecallReading:
    """Extraction over a recall's description, title, product texts and listed codes."""
    products = list(recall.products.all())
    texts = [recall.description, recall.title, recall.product_name]
    texts += [text for product in products for text in (product.name, product.description)]
    # The description comes first: its sentences are the evidence shown for each code.
    readings = [extract(text) for text in dict.fromkeys(t for t in texts if t and t.strip())]
    if not recall.description.strip():
        readings.insert(0, Extraction())
    combined = Extraction()
    seen: set[tuple[str, str]] = set()
    for reading in readings:
        combined.rejected_upcs += [
            u for u in reading.rejected_upcs if u not in combined.rejected_upcs
        ]
        # Rules come from the description: titles and names do not state them.
        if reading is readings[0]:
            combined.serial_rules = list(reading.serial_rules)
        for identifier in reading.identifiers:
            _keep(combined, seen, identifier)
    for identifier in _listed_codes(recall, products):
        _keep(combined, seen, identifier)
    return RecallReading(combined, _products_named(combined, products, recall))


def _keep(combined: Extraction, seen: set, identifier: ExtractedIdentifier) -> None:
    key = ("upc" if identifier.kind == "upc" else "code", identifier.normalized)
    if key not in seen:
        seen.add(key)
        combined.identifiers.append(identifier)


def _listed_codes(recall: Recall, products: list[Product]) -> list[ExtractedIdentifier]:
    """UPCs the source lists (ProductUPCs) and the CPSC API's Products[].Model fields."""
    found = []
    for upc in recall.product_upcs or []:
        digits = "".join(
            c for c in str(upc.get("UPC", "") if isinstance(upc, dict) else upc) if c.isdigit()
        )
        if check_digit_ok(digits):
            found.append(
                ExtractedIdentifier("upc", digits, digits, "", "Listed by the source as a UPC.")
            )
    source = next((s for s in recall.source_records.all() if s.source_format == CPSC_JSON), None)
    payload = source.payload if source and isinstance(source.payload, dict) else {}
    for item in payload.get("Products") or []:
        model = item.get("Model") if isinstance(item, dict) else None
        for value in str(model or "").replace(";", ",").split(","):
            value = value.strip()[:100]
            normalized = normalize_identifier(value)
            if len(normalized) >= 2:
                sentence = (
                    f"Listed by the source as the model of {item.get('Name') or 'the product'}."
                )
                found.append(ExtractedIdentifier("model", value, normalized, "", sentence))
    return found


def _products_named(
    extraction: Extraction, products: list[Product], recall: Recall
) -> dict[str, int]:
    """The product an identifier belongs to: the only one, or the one whose text names it."""
    if len(products) == 1:
        return {i.normalized: products[0].pk for i in extraction.identifiers}
    named = {}
    for identifier in extraction.identifiers:
        for product in products:
            text = normalize_identifier(f"{product.name} {product.description}"[:2000])
            if identifier.normalized in text:
                named[identifier.normalized] = product.pk
                break
    return named
