"""One recall out of every source record that names it, the same way whatever the order."""

import datetime as dt
from dataclasses import dataclass

from recalldesk.registry.sources.firms import FirmName, parse_firm_name
from recalldesk.registry.sources.records import (
    FORMAT_PRIORITY,
    RECALL_FIELDS,
    ParsedProduct,
    ParsedRecord,
)

# Fields read out of one text travel together, so units and their countries, or retailers and
# the months of sale, always come from the same record.
_GROUPS = (
    ("units_text", "units_total", "units_by_country"),
    (
        "sold_at_text",
        "retailers",
        "sold_from",
        "sold_to",
        "price_min",
        "price_max",
        "price_currency",
    ),
    ("manufactured_in", "manufacture_countries"),
    ("hazard", "hazard_types"),
)
FIELD_GROUPS = _GROUPS + tuple(
    (name,)
    for name in RECALL_FIELDS
    if name != "extra" and not any(name in group for group in _GROUPS)
)


@dataclass(frozen=True)
class MergedRecall:
    fields: dict
    products: list[ParsedProduct]
    firms: list[tuple[str, FirmName, str]]  # (role, parsed name, name as published)


def is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def merge_order(records: list[ParsedRecord]) -> list[ParsedRecord]:
    """Newest published first; on the same day, by FORMAT_PRIORITY."""

    def key(record: ParsedRecord) -> tuple[int, int]:
        published = record.published_date or dt.date.min
        rank = (
            FORMAT_PRIORITY.index(record.source_format)
            if record.source_format in FORMAT_PRIORITY
            else len(FORMAT_PRIORITY)
        )
        return (-published.toordinal(), rank)

    return sorted(records, key=key)


def merge_records(records: list[ParsedRecord]) -> MergedRecall:
    """Each field from the newest record that has it; firms from all records."""
    ordered = merge_order(records)
    fields: dict = {}
    for group in FIELD_GROUPS:
        source = next(
            (r for r in ordered if any(not is_empty(r.recall[name]) for name in group)),
            ordered[0],
        )
        fields.update({name: source.recall[name] for name in group})
    extra: dict = {}
    for record in reversed(ordered):
        extra.update(record.recall["extra"])
    fields["extra"] = extra
    products = next((r.products for r in ordered if r.products), [])
    firms = []
    seen = set()
    for record in ordered:
        for role, published in record.firms:
            name = parse_firm_name(published)
            if name.key and (role, name.key) not in seen:
                seen.add((role, name.key))
                firms.append((str(role), name, published))
    return MergedRecall(fields=fields, products=list(products), firms=firms)
