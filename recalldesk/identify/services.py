"""Writes to identification: identifiers and serial rules read from recalls, and staff corrections.

Extraction owns only the rows it wrote and nobody touched since: origin "extracted" and not
suppressed. Rows staff added, corrected or suppressed are never changed or brought back by it.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from recalldesk.identify.extraction import ExtractedSerialRule
from recalldesk.identify.models import Identifier, IdentifierKind, Origin, SerialRule
from recalldesk.identify.normalize import normalize_identifier
from recalldesk.identify.rules import (
    IdentificationError,
    identifier_clean,
    rule_key,
    serial_rule_clean,
)
from recalldesk.identify.texts import CPSC_JSON, RecallReading, recall_read
from recalldesk.registry.models import Recall, SourceRecord

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
_CHUNK = 200


@dataclass
class ExtractionSummary:
    """What one extraction run stored: counts by kind, rows left to staff, recalls that failed."""

    recalls: int = 0
    identifiers: Counter = field(default_factory=Counter)
    serial_rules: Counter = field(default_factory=Counter)
    kept_for_staff: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: "ExtractionSummary") -> None:
        self.recalls += other.recalls
        self.identifiers.update(other.identifiers)
        self.serial_rules.update(other.serial_rules)
        self.kept_for_staff += other.kept_for_staff
        self.failed += other.failed


def _group(kind: str) -> str:
    # A model number listed again as an item number is the same code: one row for both.
    return "upc" if kind == IdentifierKind.UPC else "code"


def identifiers_extract_for_recall(*, recall: Recall) -> ExtractionSummary:
    """Read a recall's identifiers and serial rules again; staff and suppressed rows are kept."""
    reading = recall_read(recall)
    with transaction.atomic():
        # One extraction of a recall at a time: two would both create the same rows.
        Recall.objects.select_for_update().filter(pk=recall.pk).exists()
        return _store(recall, reading)


def _store(recall: Recall, reading: RecallReading) -> ExtractionSummary:
    summary = ExtractionSummary(recalls=1)
    # Rules extraction wrote are read again whole; they hang on identifiers about to change.
    SerialRule.objects.filter(recall=recall, origin=Origin.EXTRACTED, suppressed=False).delete()
    existing = list(Identifier.objects.filter(recall=recall))
    decided = _decided_codes(existing)
    mine = {(_group(i.kind), i.normalized): i for i in existing if _extraction_owns(i)}
    seen: set[tuple[str, str]] = set()
    changed, created = [], []
    for found in reading.extraction.identifiers:
        key = (_group(found.kind), found.normalized)
        if key in seen:
            continue
        seen.add(key)
        if key in decided:
            summary.kept_for_staff += 1
            continue
        row = mine.get(key) or Identifier(
            recall=recall, origin=Origin.EXTRACTED, extracted_normalized=found.normalized
        )
        fields = {
            "kind": found.kind,
            "value": found.value[:100],
            "normalized": found.normalized,
            "where_printed": found.where_printed[:300],
            "source_sentence": found.sentence,
            "product_id": reading.products.get(found.normalized),
        }
        if row.pk is None:
            created.append(_assign(row, fields))
        elif any(getattr(row, name) != value for name, value in fields.items()):
            changed.append(_assign(row, fields))
        summary.identifiers[found.kind] += 1
    Identifier.objects.bulk_create(created)
    # bulk_update does not stamp auto_now fields; the lookup index's check reads updated_at.
    now = timezone.now()
    for row in changed:
        row.updated_at = now
    Identifier.objects.bulk_update(
        changed, ["kind", "value", "where_printed", "source_sentence", "product", "updated_at"]
    )
    stale = [row.pk for key, row in mine.items() if key not in seen]
    # An identifier staff hung a rule on stays, even when the text no longer names it.
    Identifier.objects.filter(pk__in=stale).exclude(serial_rules__isnull=False).delete()
    _store_rules(recall, reading.extraction.serial_rules, summary)
    return summary


def _extraction_owns(row: Identifier | SerialRule) -> bool:
    return row.origin == Origin.EXTRACTED and not row.suppressed


def _decided_codes(existing: list[Identifier]) -> set[tuple[str, str]]:
    """Codes staff decided on: what they added, corrected or hid, and what a correction replaced."""
    decided = set()
    for row in existing:
        if not _extraction_owns(row):
            decided.add((_group(row.kind), row.normalized))
            if row.extracted_normalized:
                decided.add((_group(row.kind), row.extracted_normalized))
    return decided


def _assign(row, fields: dict):
    for name, value in fields.items():
        setattr(row, name, value)
    return row


def _store_rules(
    recall: Recall, found: list[ExtractedSerialRule], summary: ExtractionSummary
) -> None:
    decided = set()
    for rule in SerialRule.objects.filter(recall=recall).select_related("identifier"):
        decided |= {rule.extracted_key, _key_of_row(rule)} - {""}
    models = {}
    identifiers = Identifier.objects.filter(recall=recall).exclude(kind=IdentifierKind.UPC)
    for identifier in identifiers.order_by("suppressed", "pk"):
        models.setdefault(identifier.normalized, identifier)
    # A rule read for a model staff corrected goes to the corrected model.
    for identifier in identifiers.exclude(extracted_normalized=""):
        models.setdefault(identifier.extracted_normalized, identifier)
    created = []
    for rule in found:
        model = normalize_identifier(rule.model) if rule.model else ""
        identifier = models.get(model) if model else None
        if model and identifier is None:
            # Without its model the rule would wrongly cover every model of the recall.
            continue
        key = rule_key(
            rule.kind,
            model,
            rule.prefix,
            rule.length,
            rule.range_start,
            rule.range_end,
            rule.values,
        )
        if key in decided:
            summary.kept_for_staff += 1
            continue
        decided.add(key)
        created.append(
            SerialRule(
                recall=recall,
                identifier=identifier,
                kind=rule.kind,
                prefix=rule.prefix[:50],
                length=rule.length if rule.length and 0 < rule.length < 100 else None,
                range_start=rule.range_start[:50],
                range_end=rule.range_end[:50],
                values=list(rule.values),
                where_printed=rule.where_printed[:300],
                source_sentence=rule.sentence,
                origin=Origin.EXTRACTED,
                extracted_key=key,
            )
        )
        summary.serial_rules[rule.kind] += 1
    SerialRule.objects.bulk_create(created)


def _key_of_row(rule: SerialRule) -> str:
    model = rule.identifier.normalized if rule.identifier_id else ""
    return rule_key(
        rule.kind, model, rule.prefix, rule.length, rule.range_start, rule.range_end, rule.values
    )


def identifiers_extract_all(
    *, recall_ids: Iterable[int] | None = None, progress: Progress | None = None
) -> ExtractionSummary:
    """Extraction over many recalls (all when no ids are given), each in its own transaction."""
    recalls = Recall.objects.all()
    if recall_ids is not None:
        recalls = recalls.filter(pk__in=list(recall_ids))
    ids = list(recalls.order_by("pk").values_list("pk", flat=True))
    summary = ExtractionSummary()
    for start in range(0, len(ids), _CHUNK):
        chunk = (
            Recall.objects.filter(pk__in=ids[start : start + _CHUNK])
            .order_by("pk")
            .prefetch_related(
                "products",
                Prefetch(
                    "source_records", queryset=SourceRecord.objects.filter(source_format=CPSC_JSON)
                ),
            )
        )
        # One commit per chunk, a savepoint per recall: a recall that fails is rolled back alone.
        with transaction.atomic():
            for recall in chunk:
                try:
                    summary.add(identifiers_extract_for_recall(recall=recall))
                except Exception:
                    # One unreadable recall must not stop the others, nor the import that asked.
                    logger.exception("Extraction failed for recall %s", recall.number)
                    summary.failed.append(recall.number)
                if progress is not None:
                    progress(summary.recalls + len(summary.failed), len(ids))
    return summary


def identifier_add(
    *, recall: Recall, kind: str, value: str, where_printed: str = "", source_sentence: str = ""
) -> Identifier:
    """Staff add a code the text missed; a code staff had hidden is shown again instead."""
    normalized = identifier_clean(kind=kind, value=value)
    with transaction.atomic():
        row = (
            Identifier.objects.select_for_update()
            .filter(recall=recall, kind=kind, normalized=normalized)
            .first()
        )
        if row is not None and not row.suppressed:
            raise IdentificationError(
                f"{row.value} is already a {row.get_kind_display()} of recall {recall.number}."
            )
        row = row or Identifier(recall=recall, kind=kind, normalized=normalized)
        row.value = value.strip()
        row.where_printed = where_printed.strip()[:300]
        row.source_sentence = source_sentence or row.source_sentence
        row.origin = Origin.STAFF
        row.suppressed = False
        row.save()
    return row


def identifier_correct(
    *,
    identifier: Identifier,
    value: str | None = None,
    kind: str | None = None,
    where_printed: str | None = None,
) -> Identifier:
    """Staff correct a code; extraction will not bring back the reading they corrected."""
    kind = kind or identifier.kind
    value = identifier.value if value is None else value
    normalized = identifier_clean(kind=kind, value=value)
    clash = Identifier.objects.filter(
        recall_id=identifier.recall_id, kind=kind, normalized=normalized
    )
    if clash.exclude(pk=identifier.pk).exists():
        raise IdentificationError(
            f"Recall {identifier.recall.number} already lists {value} as a {kind}."
        )
    if identifier.origin == Origin.EXTRACTED and not identifier.extracted_normalized:
        identifier.extracted_normalized = identifier.normalized
    identifier.kind, identifier.value, identifier.normalized = kind, value.strip(), normalized
    if where_printed is not None:
        identifier.where_printed = where_printed.strip()[:300]
    identifier.origin = Origin.STAFF
    identifier.save()
    return identifier


def identifier_suppress(*, identifier: Identifier, suppressed: bool = True) -> Identifier:
    """Hide a wrong code from lookups (or show it again); re-extraction leaves it hidden."""
    identifier.suppressed = suppressed
    identifier.save(update_fields=["suppressed", "updated_at"])
    return identifier


def serial_rule_add(
    *,
    recall: Recall,
    kind: str,
    model: str | None = None,
    prefix: str = "",
    length: int | None = None,
    range_start: str = "",
    range_end: str = "",
    values: Iterable[str] = (),
    where_printed: str = "",
) -> SerialRule:
    """Staff add a serial rule; with a model it covers that model only, without one every model."""
    values = [v.strip() for v in values if v.strip()]
    serial_rule_clean(
        kind=kind,
        prefix=prefix,
        length=length,
        range_start=range_start,
        range_end=range_end,
        values=values,
    )
    identifier = None
    if model:
        normalized = normalize_identifier(model)
        identifier = (
            Identifier.objects.filter(recall=recall, normalized=normalized)
            .exclude(kind=IdentifierKind.UPC)
            .order_by("suppressed", "pk")
            .first()
        )
        if identifier is None:
            raise IdentificationError(
                f"Recall {recall.number} has no model {model}; add the model first."
            )
    return SerialRule.objects.create(
        recall=recall,
        identifier=identifier,
        kind=kind,
        prefix=prefix.strip().upper(),
        length=length,
        range_start=range_start.strip(),
        range_end=range_end.strip(),
        values=values,
        where_printed=where_printed.strip()[:300],
        origin=Origin.STAFF,
    )


def serial_rule_suppress(*, rule: SerialRule, suppressed: bool = True) -> SerialRule:
    """Hide a wrong serial rule from lookups (or show it again); re-extraction leaves it hidden."""
    rule.suppressed = suppressed
    rule.save(update_fields=["suppressed", "updated_at"])
    return rule
