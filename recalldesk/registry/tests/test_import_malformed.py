"""Files no importer can read change nothing and say why; bad records are skipped alone."""

import csv
import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from recalldesk.registry.models import (
    Firm,
    ImportRun,
    Product,
    Recall,
    RecallChange,
    RecallFirm,
    SourceRecord,
)
from recalldesk.registry.services import recalls_import_file
from recalldesk.registry.sources.records import UnreadableFile

DATA = settings.DATA_DIR / "cpsc"
API_FILE = DATA / "cpsc-api-recalls-before-2026.json"
CSV_FILE = DATA / "cpsc-recalls-2023-12-to-2025-12.csv"

pytestmark = pytest.mark.django_db


def belkin_csv_text() -> str:
    with CSV_FILE.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Recall Number"] == "26-090"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def registry_counts() -> dict[str, int]:
    models = (Recall, SourceRecord, RecallChange, ImportRun, Firm, Product, RecallFirm)
    return {model.__name__: model.objects.count() for model in models}


MALFORMED = {
    "empty.csv": (lambda: b"", "auto", "is empty"),
    "blank.json": (lambda: b"  \n\n ", "auto", "is empty"),
    "truncated.json": (
        lambda: API_FILE.read_bytes()[:5000],
        "auto",
        "is not valid JSON",
    ),
    "object.json": (
        lambda: json.dumps({"RecallID": 10513, "RecallNumber": "26132"}).encode(),
        "auto",
        "holds an object where a JSON list of recall records was expected",
    ),
    "string.json": (lambda: b'"26-090"', "cpsc-json", "holds a string where a JSON list"),
    "photo.png": (
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        "auto",
        "is a binary file",
    ),
    "windows-1252.csv": (
        lambda: belkin_csv_text().encode("cp1252"),
        "cpsc-csv",
        "is not UTF-8 text (byte 0x93",
    ),
    "other-columns.csv": (
        lambda: b"Name,Date,Price\nPower bank,2025-11-13,29\n",
        "cpsc-csv",
        "is not a cpsc.gov recall export: the column(s) Recall Number, Recall Heading, "
        "Name of product, Description are missing",
    ),
    "unknown.csv": (
        lambda: b"Name,Date,Price\nPower bank,2025-11-13,29\n",
        "auto",
        "Cannot tell the format of unknown.csv",
    ),
    "other-records.json": (
        lambda: json.dumps([{"id": 1, "name": "Power bank"}]).encode(),
        "auto",
        "is a JSON list, but not of CPSC or Health Canada recall records",
    ),
    "export-as-json.csv": (
        lambda: belkin_csv_text().encode(),
        "cpsc-json",
        "is not valid JSON",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_an_unreadable_file_changes_nothing_and_says_why(tmp_path, name):
    content, source_format, message = MALFORMED[name]
    path = tmp_path / name
    path.write_bytes(content())
    before = registry_counts()

    with pytest.raises(UnreadableFile) as error:
        recalls_import_file(path=path, source_format=source_format)

    assert message in str(error.value)
    assert registry_counts() == before


def test_a_truncated_file_is_named_as_such(tmp_path):
    path = tmp_path / "cut.json"
    path.write_bytes(API_FILE.read_bytes()[:5000])
    with pytest.raises(UnreadableFile, match="looks truncated"):
        recalls_import_file(path=path)


@pytest.mark.parametrize("name", ["empty.csv", "truncated.json", "photo.png", "other-columns.csv"])
def test_the_command_fails_with_the_reason_and_imports_nothing(tmp_path, name):
    content, source_format, message = MALFORMED[name]
    path = tmp_path / name
    path.write_bytes(content())
    before = registry_counts()

    with pytest.raises(CommandError) as error:
        call_command("import_recalls", str(path), "--format", source_format, stderr=io.StringIO())

    assert message in str(error.value)
    assert registry_counts() == before


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(UnreadableFile, match="does not exist"):
        recalls_import_file(path=tmp_path / "nowhere.csv")


def test_bad_records_are_rejected_with_their_index_while_the_rest_imports(tmp_path):
    records = json.loads(API_FILE.read_text(encoding="utf-8"))[:2]
    Recall.objects.filter(number_normalized__in=[r["RecallNumber"] for r in records]).delete()
    undated = dict(records[1], RecallNumber="99999", RecallDate="yesterday")
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([records[0], "26-090", undated, None, records[1]]))

    run = recalls_import_file(path=path)

    assert (run.created, run.rejected) == (2, 3)
    assert run.errors == [
        {"position": "record 2", "reason": "is a string, not a recall record"},
        {"position": "record 3", "reason": "recall 99-999: RecallDate 'yesterday' is not a date"},
        {"position": "record 4", "reason": "is null, not a recall record"},
    ]
    assert not Recall.objects.filter(number_normalized="99999").exists()


def test_a_row_with_the_wrong_number_of_fields_is_rejected(tmp_path):
    text = belkin_csv_text()
    header, row = text.split("\r\n", 1)
    path = tmp_path / "short-row.csv"
    path.write_text(header + "\r\n" + "26-999,,November 13, 2025\r\n" + row, encoding="utf-8")

    run = recalls_import_file(path=path)

    assert run.rejected == 1 and run.unchanged == 1
    assert run.errors == [{"position": "line 2", "reason": "has 4 fields where the header has 22"}]
