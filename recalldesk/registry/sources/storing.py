"""Storing parsed records: the recall, its source record, products, firms and history."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from recalldesk.registry.models import (
    Firm,
    Product,
    Recall,
    RecallChange,
    RecallFirm,
    SourceRecord,
)
from recalldesk.registry.sources import record_from_payload
from recalldesk.registry.sources.firms import FirmName, parse_firm_name
from recalldesk.registry.sources.merging import MergedRecall, is_empty, merge_records
from recalldesk.registry.sources.records import ParsedProduct, ParsedRecord, RecordRejected

# Part of every content hash: raise it when the parsers read payloads differently, so the next
# import re-merges records whose payload did not change.
PARSER_VERSION = 1
_CHUNK = 500
_MAX_PRICE = Decimal(10) ** 10


def content_hash(*, source_format: str, payload: object) -> str:
    """The fingerprint of a source record: the same payload always gives the same hash."""
    text = json.dumps(
        {"parser": PARSER_VERSION, "format": source_format, "payload": payload},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chunks(values: list, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plain(value: object) -> object:
    """A value as the history's JSON keeps it."""
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_PRODUCT_COLUMNS = ("name", "description", "product_type", "category_id", "units_text")


def _described(rows: list[tuple]) -> list[dict]:
    return [{c: v for c, v in zip(_PRODUCT_COLUMNS, row, strict=True) if v} for row in rows]


class FirmCache:
    """Firms by key, created in bulk for a whole file before its records are written."""

    def __init__(self) -> None:
        self.by_key: dict[str, Firm] = {}

    def _fetch(self, keys: list[str]) -> None:
        for chunk in _chunks(keys):
            self.by_key.update((f.key, f) for f in Firm.objects.filter(key__in=chunk))

    def load(self, records: list[ParsedRecord]) -> None:
        wanted: dict[str, FirmName] = {}
        for record in records:
            for _role, published in record.firms:
                name = parse_firm_name(published)
                if name.key:
                    wanted.setdefault(name.key, name)
        self._fetch(list(wanted))
        missing = [k for k in wanted if k not in self.by_key]
        Firm.objects.bulk_create(
            [Firm(key=k, name=wanted[k].name, location=wanted[k].location) for k in missing],
            ignore_conflicts=True,
            batch_size=_CHUNK,
        )
        self._fetch(missing)
        located = []
        for key, firm in self.by_key.items():
            if not firm.location and key in wanted and wanted[key].location:
                firm.location = wanted[key].location
                located.append(firm)
        Firm.objects.bulk_update(located, ["location"], batch_size=_CHUNK)

    def get(self, name: FirmName) -> Firm:
        if name.key not in self.by_key:
            self.by_key[name.key], _ = Firm.objects.get_or_create(
                key=name.key, defaults={"name": name.name, "location": name.location}
            )
        return self.by_key[name.key]


@dataclass(frozen=True)
class Outcome:
    kind: str  # created, updated or unchanged
    recall_id: int
    changed: bool


class RecallWriter:
    """Writes each record of one file against what the registry already holds."""

    def __init__(self, *, records: list[ParsedRecord], firms: FirmCache, source_name: str):
        self.firms = firms
        self.source_name = source_name
        self.recalls: dict[tuple[str, str], Recall] = {}
        self.sources: dict[int, dict[str, SourceRecord]] = defaultdict(dict)
        self._writing: tuple[str, str] | None = None
        # Rows of new recalls are inserted in bulk by flush(): a new recall's source record,
        # products and firm links cannot clash with anything, and one INSERT per kind for the
        # whole file is what makes a first import fast. The recall row itself is written at
        # once, inside the record's savepoint, as it is what a bad record fails on.
        self._rows: list = []
        self._deferred: list = []
        self._deferred_recalls: set[int] = set()
        by_agency: dict[str, set[str]] = defaultdict(set)
        for record in records:
            by_agency[record.key[0]].add(record.key[1])
        for agency, numbers in by_agency.items():
            for chunk in _chunks(sorted(numbers)):
                self._load(Recall.objects.filter(agency=agency, number_normalized__in=chunk))

    def _load(self, recalls) -> None:
        found = {(r.agency, r.number_normalized): r for r in recalls}
        self.recalls.update(found)
        ids = [r.pk for r in found.values()]
        for chunk in _chunks(ids):
            # Payloads are read only when a recall has another source to merge with.
            for source in SourceRecord.objects.filter(recall_id__in=chunk).defer("payload"):
                self.sources[source.recall_id][source.source_format] = source

    def write(self, record: ParsedRecord) -> Outcome:
        """Store one record; call inside a savepoint, then commit_pending or drop_pending."""
        self._writing = record.key
        recall = self.recalls.get(record.key)
        stored = self.sources[recall.pk] if recall else {}
        digest = content_hash(source_format=record.source_format, payload=record.payload)
        mine = stored.get(record.source_format)
        if recall and mine and mine.content_hash == digest:
            return Outcome("unchanged", recall.pk, False)

        others = []
        for source_format, source in sorted(stored.items()):
            if source_format != record.source_format:
                try:
                    others.append(record_from_payload(source_format, source.payload))
                except RecordRejected:
                    continue  # a stored record today's parser refuses no longer counts
        merged = merge_records([record, *others])
        created = recall is None
        recall = recall or Recall()
        changes = self._apply(recall, merged, created=created)
        if created or changes:
            recall.save()
        if mine is None:
            mine = SourceRecord(recall=recall, source_format=record.source_format)
        mine.payload = record.payload
        mine.content_hash = digest
        mine.published_date = record.published_date
        if created:
            self._rows.append(mine)
        else:
            mine.save()
        stored[record.source_format] = mine
        changes.update(self._write_products(recall, merged.products, created=created))
        changes.update(self._write_firms(recall, merged, created=created))
        if created or changes:
            self._rows.append(
                RecallChange(
                    recall=recall,
                    source_format=record.source_format,
                    source_name=self.source_name[:300],
                    kind="created" if created else "updated",
                    fields=changes,
                )
            )
        self.recalls[record.key] = recall
        self.sources[recall.pk] = stored
        kind = "created" if created else "updated" if changes else "unchanged"
        return Outcome(kind, recall.pk, bool(created or changes))

    def needs_flush(self, record: ParsedRecord) -> bool:
        """True when rows of this record's recall still wait for flush (a repeated record)."""
        recall = self.recalls.get(record.key)
        return recall is not None and recall.pk in self._deferred_recalls

    def flush(self) -> None:
        """Insert the rows new recalls are waiting for."""
        for model in (SourceRecord, Product, RecallFirm, RecallChange):
            rows = [row for row in self._deferred if isinstance(row, model)]
            model.objects.bulk_create(rows, batch_size=_CHUNK)
        self._deferred = []
        self._deferred_recalls = set()

    def commit_pending(self) -> None:
        """The record's savepoint was released: its waiting rows are now the file's."""
        self._writing = None
        self._deferred.extend(self._rows)
        self._deferred_recalls.update(row.recall_id for row in self._rows)
        self._rows = []

    def drop_pending(self) -> None:
        """After a rolled-back record, read its recall again: the cached one may be stale."""
        self._rows = []
        if self._writing is None:
            return
        agency, number = self._writing
        self._writing = None
        cached = self.recalls.pop((agency, number), None)
        if cached is not None and cached.pk is not None:
            self.sources.pop(cached.pk, None)
        self._load(Recall.objects.filter(agency=agency, number_normalized=number))

    def _apply(self, recall: Recall, merged: MergedRecall, *, created: bool) -> dict:
        changes = {}
        for name, value in merged.fields.items():
            field = Recall._meta.get_field(name)
            if isinstance(value, str) and field.max_length and len(value) > field.max_length:
                raise RecordRejected(
                    f"{name} has {len(value)} characters, more than the {field.max_length} "
                    "the registry keeps"
                )
            if isinstance(value, Decimal) and abs(value) >= _MAX_PRICE:
                raise RecordRejected(f"{name} {value} is too large to be a price")
            before = None if created else getattr(recall, name)
            if (created and not is_empty(value)) or (not created and before != value):
                changes[name] = [_plain(before), _plain(value)]
            setattr(recall, name, value)
        return changes

    def _write_products(self, recall: Recall, products: list[ParsedProduct], *, created: bool):
        columns = _PRODUCT_COLUMNS
        wanted = [tuple(getattr(p, c) for c in columns) for p in products]
        existing = [] if created else list(recall.products.values_list(*columns))
        if wanted == existing:
            return {}
        if existing:
            recall.products.all().delete()
        products = [
            Product(recall=recall, position=i, **dict(zip(columns, row, strict=True)))
            for i, row in enumerate(wanted)
        ]
        if created:
            self._rows.extend(products)
        else:
            Product.objects.bulk_create(products)
        return {"products": [None if created else _described(existing), _described(wanted)]}

    def _write_firms(self, recall: Recall, merged: MergedRecall, *, created: bool):
        wanted = []
        seen = set()
        for role, name, published in merged.firms:
            firm = self.firms.get(name)
            if (firm.pk, role) not in seen:
                seen.add((firm.pk, role))
                wanted.append((firm.pk, role, published))
        existing = (
            []
            if created
            else list(
                recall.firm_links.order_by("id").values_list("firm_id", "role", "published_name")
            )
        )
        if wanted == existing:
            return {}
        if existing:
            recall.firm_links.all().delete()
        links = [
            RecallFirm(recall=recall, firm_id=f, role=r, published_name=p) for f, r, p in wanted
        ]
        if created:
            self._rows.extend(links)
        else:
            RecallFirm.objects.bulk_create(links)
        before = None if created else [f"{r}: {p}" for _f, r, p in existing]
        return {"firms": [before, [f"{r}: {p}" for _f, r, p in wanted]]}
