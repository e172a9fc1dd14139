"""Staff corrections to identifiers and serial rules survive re-extraction and re-import."""

import csv
import html

import pytest
from django.conf import settings
from django.urls import reverse

from recalldesk.identify.extraction import check_digit_ok
from recalldesk.identify.models import Identifier, Origin, SerialRule
from recalldesk.identify.rules import IdentificationError
from recalldesk.identify.services import (
    identifier_add,
    identifier_correct,
    identifier_suppress,
    identifiers_extract_for_recall,
    serial_rule_add,
    serial_rule_suppress,
)
from recalldesk.registry.events import recalls_changed
from recalldesk.registry.models import Recall
from recalldesk.registry.services import recalls_import_file

CSV_PATH = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
pytestmark = pytest.mark.django_db


@pytest.fixture
def belkin() -> Recall:
    """26-090 as the session import stored it, identifiers read by the import's listener."""
    return Recall.objects.get(number="26-090")


def codes(recall: Recall, **filters) -> dict[str, Identifier]:
    return {i.value: i for i in Identifier.objects.filter(recall=recall, **filters)}


def rules(recall: Recall, **filters) -> list[tuple]:
    found = SerialRule.objects.filter(recall=recall, **filters).select_related("identifier")
    return sorted((r.identifier.value if r.identifier else None, r.kind, r.prefix) for r in found)


def reimport(tmp_path, capture, number: str, extra_sentence: str) -> None:
    """Import the CSV row of a recall again with one more sentence, as a newer export would."""
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        row = next(r for r in reader if r["Recall Number"] == number)
        fields = reader.fieldnames
    row["Description"] = html.unescape(row["Description"]) + " " + extra_sentence
    path = tmp_path / "newer.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerow(row)
    with capture(execute=True):
        run = recalls_import_file(path=path)
    assert run.updated == 1


def test_the_import_reads_identifiers_and_rules_of_the_reference_recall(belkin):
    found = codes(belkin)
    assert set(found) == {"MMA008", "BPB002", "PB0003"}
    assert {i.origin for i in found.values()} == {Origin.EXTRACTED}
    assert found["MMA008"].where_printed == "on the bottom of the charging stand"
    assert found["MMA008"].product is not None
    assert rules(belkin) == [
        ("BPB002", "prefix", "35S"),
        ("MMA008", "prefix", "57X"),
        ("PB0003", "all", ""),
    ]


def test_reading_again_changes_nothing(belkin):
    before = {(i.pk, i.value, i.where_printed) for i in Identifier.objects.filter(recall=belkin)}
    identifiers_extract_for_recall(recall=belkin)
    identifiers_extract_for_recall(recall=belkin)
    after = {(i.pk, i.value, i.where_printed) for i in Identifier.objects.filter(recall=belkin)}
    assert after == before
    assert len(rules(belkin)) == 3


def test_a_suppressed_identifier_stays_hidden_and_is_not_read_again(belkin):
    identifier_suppress(identifier=codes(belkin)["BPB002"])
    identifiers_extract_for_recall(recall=belkin)
    assert Identifier.objects.filter(recall=belkin, normalized="BPB002").count() == 1
    assert codes(belkin)["BPB002"].suppressed


def test_a_corrected_model_number_survives_and_the_wrong_reading_does_not_return(belkin):
    corrected = identifier_correct(identifier=codes(belkin)["PB0003"], value="PB0003-W")
    assert corrected.origin == Origin.STAFF
    identifiers_extract_for_recall(recall=belkin)
    assert set(codes(belkin)) == {"MMA008", "BPB002", "PB0003-W"}
    # The rule read for PB0003 now belongs to the model staff corrected.
    assert ("PB0003-W", "all", "") in rules(belkin)


def test_a_suppressed_rule_is_not_read_again(belkin):
    rule = SerialRule.objects.get(recall=belkin, prefix="57X")
    serial_rule_suppress(rule=rule)
    identifiers_extract_for_recall(recall=belkin)
    assert rules(belkin, prefix="57X") == [("MMA008", "prefix", "57X")]
    assert SerialRule.objects.get(recall=belkin, prefix="57X").suppressed


def test_staff_additions_survive_a_reimport_that_changes_the_text(
    belkin, tmp_path, django_capture_on_commit_callbacks
):
    added = identifier_add(
        recall=belkin, kind="model", value="MMA008-R", where_printed="on the box"
    )
    serial_rule_add(
        recall=belkin,
        kind="range",
        model="MMA008-R",
        range_start="57X00000000001",
        range_end="57X00000009999",
    )
    reimport(
        tmp_path,
        django_capture_on_commit_callbacks,
        "26-090",
        "Model number MMA010 is also included.",
    )
    found = codes(belkin)
    assert set(found) == {"MMA008", "BPB002", "PB0003", "MMA008-R", "MMA010"}
    assert found["MMA008-R"].pk == added.pk and found["MMA008-R"].origin == Origin.STAFF
    assert found["MMA010"].origin == Origin.EXTRACTED
    assert ("MMA008-R", "range", "") in rules(belkin, origin=Origin.STAFF)


def test_a_model_the_text_no_longer_names_goes_unless_staff_hung_a_rule_on_it(belkin):
    Recall.objects.filter(pk=belkin.pk).update(
        description="This recall involves power banks with model number BPB002."
    )
    serial_rule_add(recall=belkin, kind="lot", model="PB0003", values=["LOT-7"])
    identifiers_extract_for_recall(recall=Recall.objects.get(pk=belkin.pk))
    assert set(codes(belkin)) == {"BPB002", "PB0003"}
    assert rules(belkin) == [("PB0003", "lot", "")]


def test_the_registry_signal_reads_the_recalls_it_names(belkin):
    Identifier.objects.filter(recall=belkin).delete()
    recalls_changed.send(sender=Recall, recall_ids=[belkin.pk])
    assert set(codes(belkin)) == {"MMA008", "BPB002", "PB0003"}


def test_upcs_the_cpsc_api_lists_are_stored_when_their_check_digit_is_right():
    recall = Recall.objects.get(number_normalized="20164")
    valid = {u for u in recall.product_upcs if check_digit_ok(u)}
    assert valid and valid <= set(codes(recall, kind="upc"))


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("upc", "860006498116", "does not fit"),
        ("upc", "86000649811", "has 11 characters"),
        ("model", " -- ", "at least one letter or digit"),
        ("colour", "MMA008", "not a kind of identifier"),
        ("model", "mma-008", "already a Model number of recall 26-090"),
    ],
)
def test_staff_input_that_cannot_be_stored_says_why(belkin, kind, value, message):
    with pytest.raises(IdentificationError, match=message):
        identifier_add(recall=belkin, kind=kind, value=value)


def test_a_rule_for_an_unknown_model_or_without_its_fields_is_refused(belkin):
    with pytest.raises(IdentificationError, match="has no model XYZ123"):
        serial_rule_add(recall=belkin, kind="all", model="XYZ123")
    with pytest.raises(IdentificationError, match="needs the characters"):
        serial_rule_add(recall=belkin, kind="prefix", model="MMA008")
    with pytest.raises(IdentificationError, match="at least one lot"):
        serial_rule_add(recall=belkin, kind="lot", values=[" ", ""])


def test_an_edit_in_the_admin_makes_the_row_staff_and_keeps_the_reading_out(belkin, admin_client):
    wrong = codes(belkin)["MMA008"]
    url = reverse("admin:identify_identifier_change", args=[wrong.pk])
    response = admin_client.post(
        url,
        {
            "recall": belkin.pk,
            "product": "",
            "kind": "model",
            "value": "MMA008-B",
            "where_printed": wrong.where_printed,
            "source_sentence": wrong.source_sentence,
        },
    )
    assert response.status_code == 302
    wrong.refresh_from_db()
    assert (wrong.value, wrong.normalized, wrong.origin) == ("MMA008-B", "MMA008B", Origin.STAFF)
    identifiers_extract_for_recall(recall=belkin)
    assert "MMA008" not in codes(belkin)


def test_the_admin_refuses_a_upc_with_a_wrong_check_digit(belkin, admin_client):
    response = admin_client.post(
        reverse("admin:identify_identifier_add"),
        {"recall": belkin.pk, "kind": "upc", "value": "860006498116", "where_printed": ""},
    )
    assert response.status_code == 200
    assert "does not fit the others" in response.content.decode()
    assert not Identifier.objects.filter(recall=belkin, kind="upc").exists()


def test_the_recall_admin_page_lists_identifiers_and_rules(belkin, admin_client):
    response = admin_client.get(reverse("admin:registry_recall_change", args=[belkin.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "MMA008" in page and "57X" in page


def test_the_identifier_list_filters_by_recall(belkin, admin_client):
    url = reverse("admin:identify_identifier_changelist")
    response = admin_client.get(url, {"recall__id__exact": belkin.pk, "kind": "model"})
    assert response.status_code == 200
    assert "BPB002" in response.content.decode()
