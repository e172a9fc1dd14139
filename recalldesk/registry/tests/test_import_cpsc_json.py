"""Importing the JSON of CPSC's Recalls API, and merging it with the CSV export."""

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings

from recalldesk.registry.models import Recall, RecallChange, SourceRecord
from recalldesk.registry.services import recalls_import_file
from recalldesk.registry.sources.parsing import normalize_recall_number

FILES = Path(__file__).parent / "files"
DATA = settings.DATA_DIR / "cpsc"

pytestmark = pytest.mark.django_db


def api_records(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_every_api_record_is_in_the_registry():
    numbers = {
        normalize_recall_number(r["RecallNumber"])
        for name in ("cpsc-api-recalls-before-2026.json", "cpsc-api-sample.json")
        for r in api_records(name)
    }
    imported = set(
        SourceRecord.objects.filter(source_format="cpsc-json").values_list(
            "recall__number_normalized", flat=True
        )
    )
    assert imported == numbers


def test_a_recall_in_both_the_csv_and_the_api_is_one_recall():
    with (DATA / "cpsc-recalls-2023-12-to-2025-12.csv").open(encoding="utf-8-sig") as handle:
        csv_numbers = {
            normalize_recall_number(row["Recall Number"]) for row in csv.DictReader(handle)
        }
    api_numbers = {
        normalize_recall_number(r["RecallNumber"])
        for r in api_records("cpsc-api-recalls-before-2026.json")
    }
    both = csv_numbers & api_numbers
    assert len(both) == 43
    merged = Recall.objects.filter(number_normalized__in=both)
    assert merged.count() == len(both)
    assert all(recall.source_records.count() == 2 for recall in merged)
    assert Recall.objects.count() == len(csv_numbers | api_numbers) + 3


def test_the_merged_recall_has_what_each_source_adds():
    recall = Recall.objects.get(number_normalized="24051")
    # From the API: the page, its id, the contact and images.
    assert recall.url.startswith("https://www.cpsc.gov/Recalls/2024/Empower-Brands")
    assert recall.cpsc_recall_id == 9796
    assert recall.consumer_contact.startswith("Empower Brands toll-free")
    assert len(recall.images) == 2
    # From the CSV: the "Sold At" label the API leaves out.
    assert recall.sold_at_label == "Sold At"
    assert recall.retailers[:3] == ["Target", "Walmart", "Kohls"]
    change = recall.changes.get(source_format="cpsc-json")
    assert change.kind == "updated"
    assert change.fields["url"][0] == ""
    assert set(change.fields) >= {"url", "cpsc_recall_id", "consumer_contact", "images"}


def test_a_six_character_number_is_imported_as_published():
    recall = Recall.objects.get(number_normalized="00103A")
    assert recall.number == "00103a"
    assert recall.recall_date == dt.date(2000, 5, 2)
    assert recall.units_total == 3_700
    assert (recall.sold_from, recall.sold_to) == (dt.date(1998, 11, 1), dt.date(2000, 3, 1))
    assert Recall.objects.filter(number_normalized="00103B").exists()


def test_the_api_sold_at_sentence_is_read_and_a_bare_name_is_a_retailer(tmp_path):
    recall = Recall.objects.get(number_normalized="13117")
    assert recall.sold_at_text.startswith("Appliance stores and authorized kitchen")
    assert (recall.sold_from, recall.sold_to) == (dt.date(2008, 1, 1), dt.date(2012, 11, 1))
    assert not recall.firm_links.filter(role="retailer").exists()

    record = next(r for r in api_records("cpsc-api-sample.json") if r["RecallNumber"] == "13117")
    record["Retailers"].append({"Name": "Home Depot", "CompanyID": ""})
    path = tmp_path / "with-a-retailer.json"
    path.write_text(json.dumps([record]), encoding="utf-8")

    run = recalls_import_file(path=path)

    assert run.updated == 1
    recall.refresh_from_db()
    assert recall.retailers == ["Home Depot"]
    assert recall.firm_links.get(role="retailer").firm.name == "Home Depot"
    assert recall.changes.first().fields["retailers"] == [[], ["Home Depot"]]


def test_the_fake_error_record_is_rejected_and_the_real_ones_import():
    Recall.objects.filter(number_normalized__in=["26132", "00103A"]).delete()

    run = recalls_import_file(path=FILES / "cpsc-api-with-error-record.json")

    assert (run.source_format, run.created, run.rejected) == ("cpsc-json", 2, 1)
    assert run.errors == [
        {
            "position": "record 3",
            "reason": "is the CPSC API's error answer, not a recall: "
            "Error retrieving Recalls: The request timed out.",
        }
    ]
    assert not Recall.objects.filter(title__startswith="Error retrieving").exists()
    assert not Recall.objects.filter(number_normalized="").exists()


def test_the_csv_row_and_the_api_record_of_26_090_are_one_recall(
    django_capture_on_commit_callbacks,
):
    before = Recall.objects.get(number_normalized="26090")
    with django_capture_on_commit_callbacks() as callbacks:
        run = recalls_import_file(path=FILES / "cpsc-api-26090.json")

    assert (run.created, run.updated) == (0, 1)
    assert len(callbacks) == 1
    recall = Recall.objects.get(number_normalized="26090")
    assert recall.pk == before.pk
    assert recall.number == "26-090"
    assert set(recall.source_records.values_list("source_format", flat=True)) == {
        "cpsc-csv",
        "cpsc-json",
    }
    assert recall.last_published_date == dt.date(2025, 11, 20)
    assert recall.url.endswith("Due-to-Fire-and-Burn-Hazards")
    # Both sources agree on what matters; "Belkin International, Inc." is the same firm.
    assert recall.units_by_country == {"US": 83_500, "CA": 2_385}
    assert recall.retailers[-1] == "TikTok"
    assert recall.firm_links.count() == 1
    assert recall.manufacture_country_list == ["China", "Vietnam"]
    change = RecallChange.objects.filter(recall=recall).first()
    assert change.kind == "updated" and "url" in change.fields
