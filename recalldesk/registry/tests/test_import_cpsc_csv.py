"""Importing cpsc.gov's CSV export: the bundled file, imported once for the test session."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings

from recalldesk.registry.models import Firm, Recall, RecallChange, SourceRecord
from recalldesk.registry.services import recalls_import_file
from recalldesk.registry.sources.parsing import normalize_recall_number

CSV_PATH = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"

BELKIN_RETAILERS = ["Best Buy", "Target", "Walmart", "Belkin.com", "Amazon.com", "TikTok"]

pytestmark = pytest.mark.django_db


def csv_rows() -> list[dict]:
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def csv_text(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path, rows: list[dict]) -> None:
    """A CSV as cpsc.gov exports it: a byte-order mark, the same columns, CRLF line ends."""
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(rows).encode("utf-8"))


def test_every_row_of_the_export_is_one_cpsc_recall():
    numbers = {normalize_recall_number(row["Recall Number"]) for row in csv_rows()}
    assert len(numbers) == 760
    imported = Recall.objects.filter(
        agency="CPSC", source_records__source_format="cpsc-csv"
    ).values_list("number_normalized", flat=True)
    assert set(imported) == numbers
    assert SourceRecord.objects.filter(source_format="cpsc-csv").count() == 760


def test_the_belkin_recall_as_a_person_reads_it():
    recall = Recall.objects.get(agency="CPSC", number_normalized="26090")
    assert recall.number == "26-090"
    assert recall.recall_date == dt.date(2025, 11, 13)
    assert recall.title.startswith("Belkin Recalls Portable Power Banks")
    assert recall.units_total == 83_500
    assert recall.units_by_country == {"US": 83_500, "CA": 2_385}
    assert recall.units_text == "About 83,500 (In addition, about 2,385 were sold in Canada)"
    assert recall.retailers == [
        "Best Buy",
        "Target",
        "Walmart",
        "Belkin.com",
        "Amazon.com",
        "TikTok",
    ]
    assert (recall.sold_from, recall.sold_to) == (dt.date(2020, 8, 1), dt.date(2025, 8, 1))
    assert (recall.price_min, recall.price_max) == (Decimal("29"), Decimal("180"))
    assert recall.price_currency == "USD"
    assert recall.remedy_type_list == ["Refund"]
    assert recall.manufacture_country_list == ["China", "Vietnam"]
    assert recall.manufactured_in == "Vietnam (MMA008) and China (BPB002 and PB0003)"
    assert "fire incident" in recall.incidents_text
    # The export's "&nbsp;" is a space by the time anyone reads it.
    assert "&nbsp;" not in recall.remedy_text and "\u00a0" not in recall.remedy_text
    assert "Note: Do not throw" in recall.remedy_text
    assert [p.name for p in recall.products.all()] == [
        "Portable Power Banks and Wireless Charging Stands"
    ]
    link = recall.firm_links.select_related("firm").get()
    assert (link.role, link.firm.name, link.firm.location) == (
        "manufacturer",
        "Belkin International Inc.",
        "El Segundo, California",
    )
    assert link.published_name == "Belkin International Inc., of El Segundo, California"


def test_the_custom_field_retailer_is_a_firm_with_its_role():
    recall = Recall.objects.get(agency="CPSC", number_normalized="26132")
    roles = {(link.role, link.firm.name) for link in recall.firm_links.select_related("firm")}
    assert ("retailer", "Little Pea Shop") in roles


def test_one_firm_for_every_recall_that_names_it():
    firm = Firm.objects.get(key="belkin international")
    assert firm.recalls.filter(number_normalized="26090").exists()
    assert Firm.objects.filter(name__istartswith="Belkin International").count() == 1


def test_the_history_keeps_what_the_first_import_created():
    change = RecallChange.objects.get(recall__number_normalized="26090", source_format="cpsc-csv")
    assert change.kind == "created"
    assert change.fields["units_total"] == [None, 83_500]
    assert change.fields["price_min"] == [None, "29.00"]


def test_a_bad_row_is_rejected_with_its_line_while_the_others_import(tmp_path):
    rows = [row for row in csv_rows() if row["Recall Number"] in {"26-090", "26-132"}]
    belkin, pea_shop = sorted(rows, key=lambda row: row["Recall Number"])
    Recall.objects.filter(number_normalized__in=["26090", "26132"]).delete()
    broken = dict(pea_shop, Date="Sometime in 2025")
    path = tmp_path / "two-rows.csv"
    write_csv(path, [belkin, broken])

    run = recalls_import_file(path=path)

    # A quoted field may span lines: the position is the line the second row starts on.
    second_row_line = csv_text([belkin]).count("\n") + 1
    assert (run.source_format, run.created, run.rejected) == ("cpsc-csv", 1, 1)
    assert run.errors == [
        {
            "position": f"line {second_row_line}",
            "reason": "recall 26-132: Date 'Sometime in 2025' is not a date",
        }
    ]
    assert Recall.objects.filter(number_normalized="26090").exists()
    assert not Recall.objects.filter(number_normalized="26132").exists()


def test_a_value_too_long_for_the_registry_rejects_only_its_row(tmp_path):
    belkin = next(row for row in csv_rows() if row["Recall Number"] == "26-090")
    too_long = dict(belkin, **{"Recall Number": "26-" + "9" * 60})
    path = tmp_path / "long-number.csv"
    write_csv(path, [too_long, belkin])

    run = recalls_import_file(path=path)

    assert run.rejected == 1 and run.unchanged == 1
    assert run.errors[0]["position"] == "line 2"
    assert "more than the 40" in run.errors[0]["reason"]
