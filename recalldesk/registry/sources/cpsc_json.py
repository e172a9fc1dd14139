"""The JSON of CPSC's Recalls REST API (RestWebServices/Recall?format=json)."""

import re

from recalldesk.registry.models import Agency, FirmRole
from recalldesk.registry.sources.firms import split_firms
from recalldesk.registry.sources.parsing import (
    clean_text,
    joined_choices,
    normalize_recall_number,
    parse_date,
    parse_remedy_types,
    parse_units,
)
from recalldesk.registry.sources.places import country_name
from recalldesk.registry.sources.reading import decode_json_list, object_kind
from recalldesk.registry.sources.records import (
    CPSC_JSON,
    ParsedProduct,
    ParsedRecord,
    RecordRejected,
    RejectedRecord,
    money,
    recall_fields,
)
from recalldesk.registry.sources.sold_at import looks_like_sold_at, parse_sold_at

_FIRM_LISTS = (
    (FirmRole.MANUFACTURER, "Manufacturers"),
    (FirmRole.IMPORTER, "Importers"),
    (FirmRole.DISTRIBUTOR, "Distributors"),
)


def looks_like(item: object) -> bool:
    return isinstance(item, dict) and ("RecallID" in item or "RecallNumber" in item)


def parse(text: str, *, name: str) -> tuple[list[ParsedRecord], list[RejectedRecord]]:
    """Every record of the API's answer: parsed, or rejected with its index and reason."""
    records: list[ParsedRecord] = []
    rejected: list[RejectedRecord] = []
    for index, item in enumerate(decode_json_list(text, name=name), start=1):
        position = f"record {index}"
        try:
            records.append(record_from_payload(item, position))
        except RecordRejected as error:
            rejected.append(RejectedRecord(position, str(error)))
    return records, rejected


def _items(payload: dict, key: str) -> list[dict]:
    value = payload.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _texts(payload: dict, key: str, field: str) -> list[str]:
    return [text for item in _items(payload, key) if (text := clean_text(item.get(field)))]


def _date(payload: dict, key: str, number: str):
    try:
        return parse_date(payload.get(key))
    except ValueError as error:
        raise RecordRejected(f"recall {number}: {key} {error}") from None


def _published_number(normalized: str) -> str:
    """CPSC writes recall numbers '26-090'; the API drops the hyphen."""
    if re.fullmatch(r"\d{5}", normalized):
        return f"{normalized[:2]}-{normalized[2:]}"
    return normalized


def record_from_payload(payload: object, position: str) -> ParsedRecord:
    """One API record read into Recall fields; the API's fake error record is refused."""
    if not isinstance(payload, dict):
        raise RecordRejected(f"is {object_kind(payload)}, not a recall record")
    title = clean_text(payload.get("Title"))
    if payload.get("RecallID") == 0 or title.lower().startswith("error retrieving"):
        raise RecordRejected(
            f"is the CPSC API's error answer, not a recall: {title[:200] or 'no message'}"
        )
    raw_number = payload.get("RecallNumber")
    normalized = normalize_recall_number(raw_number) if isinstance(raw_number, str) else ""
    if not normalized:
        raise RecordRejected("has no RecallNumber")
    number = _published_number(normalized) if normalized.isdigit() else clean_text(raw_number)
    recall_date = _date(payload, "RecallDate", number)
    last_published = _date(payload, "LastPublishDate", number)

    products = [
        ParsedProduct(
            name=name,
            description=clean_text(item.get("Description")),
            product_type=clean_text(item.get("Type"))[:200],
            category_id=clean_text(item.get("CategoryID"))[:20],
            units_text=clean_text(item.get("NumberOfUnits")),
        )
        for item in _items(payload, "Products")
        if (name := clean_text(item.get("Name")))
    ]
    title = title or (products[0].name if products else "")
    if not title:
        raise RecordRejected(f"recall {number} has neither a Title nor a product name")

    # The API puts the whole "Sold At" sentence in Retailers[].Name; short names are firms.
    sold_texts, retailer_names = [], []
    for text in _texts(payload, "Retailers", "Name"):
        (sold_texts if looks_like_sold_at(text) else retailer_names).append(text)
    sold = parse_sold_at("\n".join(sold_texts))
    retailers = list(sold.retailers)
    for name in retailer_names:
        if name.casefold() not in {r.casefold() for r in retailers}:
            retailers.append(name)

    unit_texts = list(dict.fromkeys(p.units_text for p in products if p.units_text))
    by_country: dict[str, int] = {}
    for units in map(parse_units, unit_texts):
        for code, count in units.by_country.items():
            by_country[code] = by_country.get(code, 0) + count

    hazard_texts, hazard_types = [], []
    for item in _items(payload, "Hazards"):
        name = clean_text(item.get("Name"))
        if clean_text(item.get("HazardTypeID")) or clean_text(item.get("HazardType")):
            hazard_types.append(clean_text(item.get("HazardType")) or name)
        elif name:
            hazard_texts.append(name)
    countries = _texts(payload, "ManufacturerCountries", "Country")

    firms = [
        (role, firm)
        for role, key in _FIRM_LISTS
        for text in _texts(payload, key, "Name")
        for firm in split_firms(text)
    ]
    firms += [(FirmRole.RETAILER, name) for name in retailer_names]

    recall = recall_fields(
        agency=Agency.CPSC.value,
        number=number,
        number_normalized=normalized,
        cpsc_recall_id=payload["RecallID"] if type(payload.get("RecallID")) is int else None,
        title=title,
        recall_date=recall_date,
        last_published_date=last_published,
        url=clean_text(payload.get("URL"))[:500],
        product_name=products[0].name if products else "",
        description=clean_text(payload.get("Description")),
        hazard="\n".join(hazard_texts) or "; ".join(hazard_types),
        hazard_types=hazard_types,
        remedy_text="\n".join(_texts(payload, "Remedies", "Name")),
        remedy_types=joined_choices(parse_remedy_types(_texts(payload, "RemedyOptions", "Option"))),
        consumer_contact=clean_text(payload.get("ConsumerContact")),
        units_text="\n".join(unit_texts),
        units_total=by_country.get("US"),
        units_by_country=by_country,
        sold_at_label=clean_text(payload.get("SoldAtLabel"))[:100],
        sold_at_text=sold.text,
        retailers=retailers,
        sold_from=sold.sold_from,
        sold_to=sold.sold_to,
        price_min=money(sold.price_min),
        price_max=money(sold.price_max),
        price_currency=sold.currency,
        manufactured_in=", ".join(countries),
        manufacture_countries=joined_choices(sorted({country_name(c) for c in countries} - {""})),
        incidents_text="\n".join(_texts(payload, "Injuries", "Name")),
        images=[
            {"url": url, "caption": clean_text(item.get("Caption"))}
            for item in _items(payload, "Images")
            if (url := clean_text(item.get("URL")))
        ],
        joint_recalls=[{"url": url} for url in _texts(payload, "Inconjunctions", "URL")],
        product_upcs=_texts(payload, "ProductUPCs", "UPC"),
    )
    return ParsedRecord(
        position=position,
        source_format=CPSC_JSON,
        payload=payload,
        recall=recall,
        products=products,
        firms=firms,
        published_date=last_published or recall_date,
    )
