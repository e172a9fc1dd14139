"""Importers of the recall formats Recall Desk reads, and the sniffing of an unnamed one."""

import json

from recalldesk.registry.sources import cpsc_csv, cpsc_json, health_canada
from recalldesk.registry.sources.reading import decode_text
from recalldesk.registry.sources.records import (
    CPSC_CSV,
    CPSC_JSON,
    FORMATS,
    HEALTH_CANADA_JSON,
    ParsedFile,
    ParsedRecord,
    UnreadableFile,
)

_MODULES = {CPSC_CSV: cpsc_csv, CPSC_JSON: cpsc_json, HEALTH_CANADA_JSON: health_canada}


def sniff_format(text: str, *, name: str) -> str:
    """The format of a file by its content: the CSV header or the keys of its JSON records."""
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start in "[{":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            # Let the JSON reader explain what is wrong with it.
            return CPSC_JSON
        if isinstance(data, list):
            items = [item for item in data[:20] if isinstance(item, dict)]
            if any(health_canada.looks_like(item) for item in items):
                return HEALTH_CANADA_JSON
            if any(cpsc_json.looks_like(item) for item in items) or not data:
                return CPSC_JSON
            raise UnreadableFile(
                f"{name} is a JSON list, but not of CPSC or Health Canada recall records."
            )
        return CPSC_JSON
    if cpsc_csv.looks_like(text):
        return CPSC_CSV
    first_line = text.lstrip("\ufeff").split("\n", 1)[0][:80]
    raise UnreadableFile(
        f"Cannot tell the format of {name} (it starts with {first_line!r}); "
        f"give one with --format ({', '.join(FORMATS[:-1])})."
    )


def parse_bytes(data: bytes, *, source_format: str = "auto", name: str) -> ParsedFile:
    """The whole file parsed: every record, or UnreadableFile if the file cannot be read."""
    if source_format not in FORMATS:
        raise UnreadableFile(f"Unknown format {source_format!r}; use one of {', '.join(FORMATS)}.")
    text = decode_text(data, name=name)
    if source_format == "auto":
        source_format = sniff_format(text, name=name)
    records, rejected = _MODULES[source_format].parse(text, name=name)
    return ParsedFile(source_format=source_format, records=records, rejected=rejected)


def record_from_payload(source_format: str, payload: dict) -> ParsedRecord:
    """A stored source record read again, to merge it with a newer one."""
    return _MODULES[source_format].record_from_payload(payload, "stored")
