"""Reads of identification: the per-process lookup index, rebuilt when the registry changes."""

import gc
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from recalldesk.identify.engine import (
    IdentifierRow,
    LookupIndex,
    RecallRow,
    SerialRuleRow,
    index_build,
)
from recalldesk.identify.models import Identifier, SerialRule
from recalldesk.identify.versions import lookup_registry_content, lookup_registry_version
from recalldesk.registry.models import Product, Recall, RecallFirm

DEFAULT_CHECK_SECONDS = 5.0
DEFAULT_VERIFY_SECONDS = 60.0
FREEZE_FROM = 100_000


def lookup_rows() -> tuple[list[RecallRow], list[IdentifierRow], list[SerialRuleRow]]:
    """The registry as plain rows for index_build: five queries, no per-row query."""
    products: dict[int, str] = {}
    names_by_recall: dict[int, list[str]] = {}
    for pk, recall_id, name in Product.objects.order_by("recall_id", "position", "id").values_list(
        "id", "recall_id", "name"
    ):
        products[pk] = name
        names_by_recall.setdefault(recall_id, []).append(name)
    firms_by_recall: dict[int, list[str]] = {}
    for recall_id, name in RecallFirm.objects.order_by("recall_id", "id").values_list(
        "recall_id", "firm__name"
    ):
        held = firms_by_recall.setdefault(recall_id, [])
        if name not in held:
            held.append(name)
    recalls = [
        RecallRow(
            recall_id=pk,
            number=number,
            title=title,
            url=url,
            recall_date=recall_date.isoformat() if recall_date else "",
            product_name=product_name,
            description=description,
            product_names=tuple(names_by_recall.get(pk, ())),
            firm_names=tuple(firms_by_recall.get(pk, ())),
            upcs=tuple(str(u) for u in (upcs or []) if u),
        )
        for pk, number, title, url, recall_date, product_name, description, upcs in (
            Recall.objects.order_by("-recall_date", "-number_normalized", "id").values_list(
                "id",
                "number",
                "title",
                "url",
                "recall_date",
                "product_name",
                "description",
                "product_upcs",
            )
        )
    ]
    identifiers = [
        IdentifierRow(
            identifier_id=pk,
            recall_id=recall_id,
            kind=kind,
            value=value,
            normalized=normalized,
            product_id=product_id,
            product_name=products.get(product_id, "") if product_id else "",
            where_printed=where_printed,
        )
        for pk, recall_id, kind, value, normalized, product_id, where_printed in (
            Identifier.objects.filter(suppressed=False)
            .order_by("id")
            .values_list(
                "id", "recall_id", "kind", "value", "normalized", "product_id", "where_printed"
            )
        )
    ]
    rule_fields = (
        "id", "recall_id", "identifier_id", "kind", "prefix", "length", "range_start",
        "range_end", "values", "where_printed", "source_sentence",
    )  # fmt: skip
    rules = [
        SerialRuleRow(*row[:8], _codes(row[8]), *row[9:])
        # A rule on a suppressed identifier goes with it.
        for row in SerialRule.objects.filter(suppressed=False)
        .exclude(identifier__suppressed=True)
        .order_by("id")
        .values_list(*rule_fields)
    ]
    return recalls, identifiers, rules


def _codes(values) -> tuple[str, ...]:
    return tuple(str(v) for v in values) if isinstance(values, list) else ()


def lookup_index_build() -> LookupIndex:
    """A fresh index of the whole registry."""
    recalls, identifiers, rules = lookup_rows()
    return index_build(recalls=recalls, identifiers=identifiers, rules=rules)


@dataclass(frozen=True)
class _Snapshot:
    index: LookupIndex
    version: tuple
    content: tuple
    database: str
    checked_at: float
    verified_at: float


# Replaced whole, never mutated, so a reading thread always sees one consistent snapshot.
_snapshot: _Snapshot | None = None
_rebuilding = threading.Lock()


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def lookup_index_current() -> LookupIndex:
    """This process's index, rebuilt without a restart when the registry changed.

    The version is asked at most every LOOKUP_INDEX_CHECK_SECONDS (default 5), the content
    at most every LOOKUP_INDEX_VERIFY_SECONDS (default 60); see versions.py.
    """
    interval = _seconds("LOOKUP_INDEX_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)
    # Tests switch to a test database inside the same process; an index belongs to one database.
    database = str(connection.settings_dict.get("NAME", ""))
    held = _snapshot
    if held is not None and held.database == database:
        if time.monotonic() - held.checked_at < interval:
            return held.index
        # One thread checks and rebuilds; the others keep answering from the index they have.
        if not _rebuilding.acquire(blocking=False):
            return held.index
    else:
        _rebuilding.acquire()
    try:
        return _refresh(database)
    finally:
        _rebuilding.release()


def _refresh(database: str) -> LookupIndex:
    global _snapshot
    now = time.monotonic()
    held = _snapshot if _snapshot is not None and _snapshot.database == database else None
    # Read before the build: a change made during the build shows as a new version next time.
    version = lookup_registry_version()
    verify = held is None or now - held.verified_at >= _seconds(
        "LOOKUP_INDEX_VERIFY_SECONDS", DEFAULT_VERIFY_SECONDS
    )
    content = lookup_registry_content() if verify or held.version != version else held.content
    if held is not None and held.version == version and held.content == content:
        index = held.index
    else:
        index = lookup_index_build()
        if len(index) >= FREEZE_FROM:
            # A large index lives until the next build: keep the cycle collector from walking
            # its millions of objects at every full collection.
            gc.freeze()
    verified_at = now if verify or held is None or index is not held.index else held.verified_at
    _snapshot = _Snapshot(index, version, content, database, now, verified_at)
    return index


def lookup_index_forget() -> None:
    """Drop this process's index, so the next lookup builds one (tests, management commands)."""
    global _snapshot
    with _rebuilding:
        _snapshot = None
