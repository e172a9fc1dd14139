"""Rows for lookup tests, taken from the real CPSC CSV in data/ (no database needed)."""

import csv
import html
from functools import cache

from django.conf import settings

from recalldesk.identify.engine import IdentifierRow, RecallRow, SerialRuleRow, index_build

CSV_PATH = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
BELKIN = "26-090"


@cache
def cpsc_csv_rows() -> tuple[dict, ...]:
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle))


def cpsc_row(number: str) -> dict:
    return next(r for r in cpsc_csv_rows() if r["Recall Number"] == number)


def _firms(row: dict) -> tuple[str, ...]:
    names = []
    for column in ("Manufacturers", "Importers", "Distributors"):
        for part in row[column].split(";"):
            name = part.split(", of ")[0].strip()
            if name:
                names.append(name)
    return tuple(names)


def recall_rows() -> list[RecallRow]:
    """Every recall of the CSV, ids by order (26-090 is the one named BELKIN)."""
    return [
        RecallRow(
            recall_id=i,
            number=row["Recall Number"],
            title=html.unescape(row["Recall Heading"]),
            url=f"https://www.cpsc.gov/Recalls/{row['Recall Number']}",
            product_name=html.unescape(row["Name of product"]),
            description=html.unescape(row["Description"]),
            firm_names=_firms(row),
        )
        for i, row in enumerate(cpsc_csv_rows(), start=1)
    ]


def belkin_id() -> int:
    return next(r.recall_id for r in recall_rows() if r.number == BELKIN)


def belkin_identifiers() -> list[IdentifierRow]:
    """26-090 as read from its description, by hand."""
    recall = belkin_id()
    return [
        IdentifierRow(1, recall, "model", "MMA008", "MMA008", None, "Wireless charging stand",
                      "on the bottom of the charging stand"),
        IdentifierRow(2, recall, "model", "BPB002", "BPB002", None, "Power bank",
                      "on the back top of the power bank"),
        IdentifierRow(3, recall, "model", "PB0003", "PB0003", None, "Power bank",
                      "on the back of the power bank"),
    ]  # fmt: skip


def belkin_rules() -> list[SerialRuleRow]:
    recall = belkin_id()
    return [
        SerialRuleRow(1, recall, 1, "prefix", prefix="57X", length=14,
                      where_printed="on the bottom of the charging stand"),
        SerialRuleRow(2, recall, 2, "prefix", prefix="35S", length=14,
                      where_printed="on the back of the power bank"),
        SerialRuleRow(3, recall, 3, "all"),
    ]  # fmt: skip


def catalog_index(*, identifiers=(), rules=()):
    """All CSV recalls, 26-090's identifiers and rules, plus any given."""
    return index_build(
        recalls=recall_rows(),
        identifiers=[*belkin_identifiers(), *identifiers],
        rules=[*belkin_rules(), *rules],
    )
