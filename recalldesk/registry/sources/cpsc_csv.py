"""The CSV export of cpsc.gov's recall search: one recall a row, a byte-order mark, HTML."""

import csv
import io

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
from recalldesk.registry.sources.places import parse_countries
from recalldesk.registry.sources.records import (
    CPSC_CSV,
    ParsedProduct,
    ParsedRecord,
    RecordRejected,
    RejectedRecord,
    UnreadableFile,
    money,
    recall_fields,
)
from recalldesk.registry.sources.sold_at import parse_sold_at

REQUIRED_COLUMNS = ("Recall Number", "Date", "Recall Heading", "Name of product", "Description")
_FIRM_COLUMNS = (
    (FirmRole.MANUFACTURER, "Manufacturers"),
    (FirmRole.IMPORTER, "Importers"),
    (FirmRole.DISTRIBUTOR, "Distributors"),
)
# "Custom Label" names what "Custom Field" holds; these labels name firms.
_CUSTOM_FIRM_ROLES = {
    "retailer": FirmRole.RETAILER,
    "retailers": FirmRole.RETAILER,
    "seller": FirmRole.RETAILER,
    "sellers": FirmRole.RETAILER,
    "recalling firm": FirmRole.RECALLING_FIRM,
    "manufacturer": FirmRole.MANUFACTURER,
    "importer": FirmRole.IMPORTER,
    "importers": FirmRole.IMPORTER,
    "distributor": FirmRole.DISTRIBUTOR,
    "distributors": FirmRole.DISTRIBUTOR,
}


def looks_like(text: str) -> bool:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    return "Recall Number" in first_line and "Recall Heading" in first_line


def parse(text: str, *, name: str) -> tuple[list[ParsedRecord], list[RejectedRecord]]:
    """Every row of the export: a parsed record, or a rejected one with its line and reason."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [clean_text(column) for column in next(reader, [])]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise UnreadableFile(
                f"{name} is not a cpsc.gov recall export: the column(s) "
                f"{', '.join(missing)} are missing (the first line has: "
                f"{', '.join(header[:6])[:200] or 'nothing'})."
            )
        records: list[ParsedRecord] = []
        rejected: list[RejectedRecord] = []
        next_line = reader.line_num + 1
        for row in reader:
            position = f"line {next_line}"
            next_line = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                reason = f"has {len(row)} fields where the header has {len(header)}"
                rejected.append(RejectedRecord(position, reason))
                continue
            try:
                records.append(record_from_payload(dict(zip(header, row, strict=True)), position))
            except RecordRejected as error:
                rejected.append(RejectedRecord(position, str(error)))
    except csv.Error as error:
        raise UnreadableFile(f"{name} is not a readable CSV file: {error}.") from None
    return records, rejected


def record_from_payload(payload: dict, position: str) -> ParsedRecord:
    """One row (column -> text, exactly as exported) read into Recall fields."""

    def get(column: str) -> str:
        return clean_text(payload.get(column))

    number = get("Recall Number")
    normalized = normalize_recall_number(number)
    if not normalized:
        raise RecordRejected("has no Recall Number")
    title = get("Recall Heading") or get("Name of product")
    if not title:
        raise RecordRejected(f"recall {number} has neither a Recall Heading nor a Name of product")
    try:
        recall_date = parse_date(payload.get("Date"))
    except ValueError as error:
        raise RecordRejected(f"recall {number}: Date {error}") from None

    units = parse_units(payload.get("Units"))
    sold = parse_sold_at(payload.get("Sold At"))
    manufactured_in = get("Manufactured In")
    firms = [(role, firm) for role, column in _FIRM_COLUMNS for firm in split_firms(get(column))]
    extra = {}
    for key, column in (
        ("product_safety_warning_number", "Product Safety Warning Number"),
        ("product_safety_warning_date", "Product Safety Warning Date"),
        ("original_product_safety_warning", "Original Product Safety Warning Announcement"),
    ):
        if value := get(column):
            extra[key] = value
    label, custom = get("Custom Label").rstrip(":").strip(), get("Custom Field")
    if custom:
        if (role := _CUSTOM_FIRM_ROLES.get(label.casefold())) is not None:
            firms.extend((role, firm) for firm in split_firms(custom))
        elif label.casefold() == "manufactured in" and not manufactured_in:
            manufactured_in = custom
        else:
            extra["notes"] = [{"label": label, "text": custom}]

    recall = recall_fields(
        agency=Agency.CPSC.value,
        number=number,
        number_normalized=normalized,
        title=title,
        recall_date=recall_date,
        product_name=get("Name of product"),
        description=get("Description"),
        hazard=get("Hazard Description"),
        consumer_action=get("Consumer Action"),
        remedy_text=get("Remedy"),
        remedy_types=joined_choices(parse_remedy_types(payload.get("Remedy Type"))),
        units_text=units.text,
        units_total=units.total,
        units_by_country=units.by_country,
        sold_at_label=get("Sold At Label"),
        sold_at_text=sold.text,
        retailers=sold.retailers,
        sold_from=sold.sold_from,
        sold_to=sold.sold_to,
        price_min=money(sold.price_min),
        price_max=money(sold.price_max),
        price_currency=sold.currency,
        manufactured_in=manufactured_in,
        manufacture_countries=joined_choices(parse_countries(manufactured_in)),
        incidents_text=get("Incidents"),
        extra=extra,
    )
    product = ParsedProduct(name=get("Name of product") or title, units_text=units.text)
    return ParsedRecord(
        position=position,
        source_format=CPSC_CSV,
        payload=payload,
        recall=recall,
        products=[product],
        firms=firms,
        published_date=recall_date,
    )
