"""The review queue's filters, and a program's claims as CSV streamed row by row.

The export never holds the program's claims in memory: rows come from the database in chunks
of 2,000 and are written out one line at a time, so 100,000 claims cost what 2,000 do.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from recalldesk.claims.models import Claim, FraudSignal, Program

CHUNK_SIZE = 2000

# (CSV header, value path); the payout details stay out: only staff who pay may see them.
COLUMNS = [
    ("claim_number", "number"),
    ("submitted_at_utc", "submitted_at"),
    ("status", "status"),
    ("model_number", "product__model_number"),
    ("serial_number", "serial_number"),
    ("country", "country"),
    ("currency", "currency"),
    ("remedy", "remedy"),
    ("amount", "amount"),
    ("receipt_amount", "receipt_amount"),
    ("has_fraud_signals", "has_fraud_signals"),
    ("owner_name", "owner_name"),
    ("email", "email"),
    ("phone", "phone"),
    ("address_line1", "address_line1"),
    ("address_line2", "address_line2"),
    ("city", "city"),
    ("region", "region"),
    ("postal_code", "postal_code"),
    ("payout_method", "payout_method"),
    ("disposal_confirmed_at_utc", "disposal_confirmed_at"),
]
HEADER = [name for name, _ in COLUMNS]

# A spreadsheet runs a cell starting with these as a formula; a phone like "+1 555 0100" is
# plain data and stays as it is.
_FORMULA_START = re.compile(r"\A[=@\t\r]|\A[+-](?![0-9 ().-]*\Z)")


@dataclass(frozen=True)
class ClaimFilters:
    """What the queue and the export narrow a program's claims to; None means any."""

    status: str | None = None
    product_id: int | None = None
    has_fraud_signals: bool | None = None
    older_than_days: int | None = None
    country: str | None = None


def _signals_exist():
    return Exists(FraudSignal.objects.filter(claim=OuterRef("pk")))


def claims_filter(*, claims: QuerySet[Claim], filters: ClaimFilters) -> QuerySet[Claim]:
    """The claims narrowed to the filters given; the status filter too unless it is None."""
    if filters.status:
        claims = claims.filter(status=filters.status)
    return claims_filter_except_status(claims=claims, filters=filters)


def claims_filter_except_status(
    *, claims: QuerySet[Claim], filters: ClaimFilters
) -> QuerySet[Claim]:
    """The claims narrowed by every filter but the status: what the per-status counts count."""
    if filters.product_id is not None:
        claims = claims.filter(product_id=filters.product_id)
    if filters.has_fraud_signals is not None:
        signals = _signals_exist()
        claims = claims.filter(signals if filters.has_fraud_signals else ~signals)
    if filters.older_than_days is not None:
        cutoff = timezone.now() - timedelta(days=filters.older_than_days)
        claims = claims.filter(submitted_at__lte=cutoff)
    if filters.country:
        claims = claims.filter(country=filters.country)
    return claims


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if _FORMULA_START.match(text) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a generator."""

    def write(self, value: str) -> str:
        return value


def claims_export_rows(*, program: Program, filters: ClaimFilters) -> Iterator[list[str]]:
    """The header, then one row per claim of the program matching the filters, oldest first."""
    claims = claims_filter(claims=Claim.objects.filter(program=program).order_by(), filters=filters)
    values = (
        claims.annotate(has_fraud_signals=_signals_exist())
        .order_by("submitted_at", "id")
        .values_list(*(path for _, path in COLUMNS))
    )
    yield HEADER
    for row in values.iterator(chunk_size=CHUNK_SIZE):
        yield [_cell(value) for value in row]


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """Each row as one CSV line, written as it is asked for."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)
