"""Importing again changes nothing; a newer record updates its recall and the history says how."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from recalldesk.registry.events import recalls_changed
from recalldesk.registry.models import ImportRun, Recall
from recalldesk.registry.services import BUNDLED_FILES, recalls_import_file
from recalldesk.registry.sources.merging import FIELD_GROUPS

DATA = settings.DATA_DIR
CSV_FILE = DATA / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
API_FILE = DATA / "cpsc" / "cpsc-api-recalls-before-2026.json"
MERGED_FIELDS = [name for group in FIELD_GROUPS for name in group] + ["extra"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """The recall ids each recalls_changed signal carried."""
    calls: list[list[int]] = []

    def receiver(sender, recall_ids, **kwargs):
        calls.append(recall_ids)

    recalls_changed.connect(receiver)
    yield calls
    recalls_changed.disconnect(receiver)


def newer_belkin_csv(path, units: str) -> None:
    with CSV_FILE.open(encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Recall Number"] == "26-090")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(dict(row, Units=units))
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def test_importing_the_export_again_changes_nothing(django_capture_on_commit_callbacks, announced):
    with django_capture_on_commit_callbacks(execute=True):
        run = recalls_import_file(path=CSV_FILE)

    assert (run.created, run.updated, run.unchanged, run.rejected) == (0, 0, 760, 0)
    assert announced == []


def test_the_command_reports_zero_created_and_zero_updated_for_every_bundled_file():
    out = io.StringIO()
    call_command("import_recalls", str(DATA / "cpsc"), stdout=out)

    lines = [line for line in out.getvalue().splitlines() if line]
    assert len(lines) == len(BUNDLED_FILES)
    assert all(": 0 created, 0 updated," in line and "0 rejected" in line for line in lines)


def test_load_bundled_data_skips_what_was_imported_without_reading_it_again():
    runs = ImportRun.objects.count()
    out = io.StringIO()

    call_command("load_bundled_data", stdout=out)

    assert out.getvalue().count("already imported, skipped") == len(BUNDLED_FILES)
    assert ImportRun.objects.count() == runs


def test_a_newer_record_updates_the_recall_and_keeps_the_change(
    tmp_path, django_capture_on_commit_callbacks, announced
):
    path = tmp_path / "26-090-corrected.csv"
    newer_belkin_csv(path, "About 84,000 (In addition, about 2,400 were sold in Canada)")
    recall = Recall.objects.get(number_normalized="26090")

    with django_capture_on_commit_callbacks(execute=True):
        run = recalls_import_file(path=path)

    assert (run.created, run.updated, run.unchanged) == (0, 1, 0)
    recall.refresh_from_db()
    assert recall.units_by_country == {"US": 84_000, "CA": 2_400}
    change = recall.changes.first()
    assert change.kind == "updated" and change.source_name == "26-090-corrected.csv"
    assert change.fields["units_total"] == [83_500, 84_000]
    assert change.fields["units_by_country"] == [
        {"US": 83_500, "CA": 2_385},
        {"US": 84_000, "CA": 2_400},
    ]
    assert "title" not in change.fields
    assert announced == [[recall.pk]]

    again = recalls_import_file(path=path)
    assert (again.updated, again.unchanged) == (0, 1)
    assert recall.changes.count() == 2


def merged_view(recalls) -> dict[str, tuple]:
    """What a merge decides for each recall: its fields, products and firms."""
    return {
        recall.number_normalized: (
            {name: getattr(recall, name) for name in MERGED_FIELDS},
            [(p.name, p.units_text) for p in recall.products.order_by("position")],
            sorted((link.role, link.published_name) for link in recall.firm_links.all()),
        )
        for recall in recalls
    }


def test_the_merged_recall_is_the_same_whatever_order_the_files_come_in():
    overlapping = Recall.objects.filter(source_records__source_format="cpsc-json").filter(
        source_records__source_format="cpsc-csv"
    )
    expected = merged_view(overlapping)
    assert len(expected) == 43
    Recall.objects.all().delete()

    recalls_import_file(path=API_FILE)
    recalls_import_file(path=CSV_FILE)

    assert merged_view(Recall.objects.filter(number_normalized__in=expected)) == expected


def test_a_recall_twice_in_one_file_is_created_then_updated(tmp_path):
    with CSV_FILE.open(encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Recall Number"] == "26-090")
    Recall.objects.filter(number_normalized="26090").delete()
    corrected = dict(row, Units="About 84,000 (In addition, about 2,400 were sold in Canada)")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerows([row, row, corrected])
    path = tmp_path / "repeated.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    run = recalls_import_file(path=path)

    assert (run.created, run.unchanged, run.updated) == (1, 1, 1)
    recall = Recall.objects.get(number_normalized="26090")
    assert recall.units_total == 84_000
    assert recall.source_records.count() == 1
    assert recall.products.count() == 1 and recall.firm_links.count() == 1
    assert [c.kind for c in recall.changes.all()] == ["updated", "created"]
