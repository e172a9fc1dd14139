"""GET /api/lookup: verdicts as JSON, 400 for input to fix, and an index that follows the data."""

import pytest

from recalldesk.identify import selectors
from recalldesk.identify.api import LookupOut
from recalldesk.identify.engine import lookup
from recalldesk.identify.models import Identifier, SerialRule
from recalldesk.identify.selectors import lookup_index_current, lookup_index_forget
from recalldesk.identify.services import identifier_correct
from recalldesk.identify.tests.lookup_db import belkin  # noqa: F401  (a fixture)
from recalldesk.identify.tests.lookup_rows import BELKIN

pytestmark = pytest.mark.django_db


def _get(client, **params):
    return client.get("/api/lookup", params)


def test_recalled_serial(client, belkin):  # noqa: F811
    response = _get(client, model="MMA008", serial="57X12345678901")
    assert response.status_code == 200
    body = response.json()
    assert body["best"] == "RECALLED"
    first = body["verdicts"][0]
    assert first["recall_number"] == BELKIN
    assert first["recall_page"] == f"/recalls/{BELKIN}/"
    assert first["recall_title"] == belkin.title
    assert first["model"] == "MMA008" and first["match"] == "exact"


def test_not_affected_names_the_rule(client, belkin):  # noqa: F811
    first = _get(client, model="mma-008", serial="58A12345678901").json()["verdicts"][0]
    assert first["kind"] == "NOT_AFFECTED"
    assert first["rule"] == "serial numbers starting with 57X, 14 characters long"


def test_need_serial_says_where_it_is_printed(client, belkin):  # noqa: F811
    first = _get(client, model="BPB002").json()["verdicts"][0]
    assert first["kind"] == "NEED_SERIAL"
    assert first["where_printed"] == "on the back of the power bank"


def test_possible_suggests_the_model(client, belkin):  # noqa: F811
    body = _get(client, model="MMAO08").json()
    assert body["best"] == "POSSIBLE"
    assert body["verdicts"][0]["suggestion"] == "MMA008"
    assert body["verdicts"][0]["if_confirmed"] == "NEED_SERIAL"


def test_free_text(client, belkin):  # noqa: F811
    body = _get(client, q="belkin charging stand").json()
    assert body["verdicts"][0]["recall_number"] == BELKIN
    assert body["verdicts"][0]["models"] == ["MMA008", "BPB002", "PB0003"]
    # Both Belkin power bank recalls (26-090, and 25-061 for smart watches) come first.
    power_banks = _get(client, q="belkin power bank").json()["verdicts"]
    assert {v["recall_number"] for v in power_banks[:2]} == {BELKIN, "25-061"}


def test_wrong_upc_check_digit_is_400_with_the_message(client, belkin):  # noqa: F811
    response = _get(client, upc="012345678906")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The UPC 012345678906 has a wrong check digit; "
        "check the 12 digits under the barcode."
    }


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({}, "Enter a model number, a UPC, or a few words"),
        ({"model": "   "}, "Enter a model number"),
        ({"serial": "57X12345678901"}, "add the model number"),
        ({"model": "M" * 101}, "too long"),
        ({"q": "w " * 200}, "too long"),
        ({"upc": "12ab"}, "only digits"),
    ],
)
def test_bad_input_is_400(client, belkin, params, words):  # noqa: F811
    response = client.get("/api/lookup", params)
    assert response.status_code == 400
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"model": "MMA008", "serial": "57X12345678901"},
        {"model": "BPB002BTBK"},
        {"q": "belkin charging stand"},
        {"model": "QQ-99999-ZZ"},
    ],
)
def test_answers_have_the_documented_shape(client, belkin, params):  # noqa: F811
    body = _get(client, **params).json()
    assert LookupOut.model_validate(body).model_dump(mode="json") == body


def test_openapi_documents_the_lookup(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/lookup"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"model", "serial", "upc", "q"}
    assert set(operation["responses"]) == {"200", "400"}
    verdict = schema["components"]["schemas"]["VerdictOut"]
    assert verdict["properties"]["kind"]["enum"] == [
        "RECALLED",
        "NOT_AFFECTED",
        "NEED_SERIAL",
        "POSSIBLE",
        "NO_MATCH",
    ]


def test_index_follows_staff_corrections_without_a_restart(client, belkin):  # noqa: F811
    assert _get(client, model="MMA009").json()["best"] == "POSSIBLE"
    added = Identifier.objects.create(
        recall=belkin, kind="model", value="MMA009", normalized="MMA009", origin="staff"
    )
    assert _get(client, model="MMA009").json()["best"] == "RECALLED"
    SerialRule.objects.create(recall=belkin, identifier=added, kind="prefix", prefix="61Q")
    assert _get(client, model="MMA009", serial="61Q1").json()["best"] == "RECALLED"
    assert _get(client, model="MMA009", serial="62Q1").json()["best"] == "NOT_AFFECTED"
    # Same length, same count: only the text changed.
    SerialRule.objects.filter(identifier=added).update(prefix="62Q")
    assert _get(client, model="MMA009", serial="62Q1").json()["best"] == "RECALLED"
    Identifier.objects.filter(pk=added.pk).update(suppressed=True)
    assert _get(client, model="MMA009").json()["best"] == "POSSIBLE"


def test_index_is_checked_at_most_every_few_seconds(belkin, settings, monkeypatch):  # noqa: F811
    settings.LOOKUP_INDEX_CHECK_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    lookup_index_forget()
    first = lookup_index_current()
    Identifier.objects.create(recall=belkin, kind="model", value="QZ7001", normalized="QZ7001")
    clock[0] += 4
    assert lookup_index_current() is first
    assert first.entries_exact("QZ7001") == []
    clock[0] += 2
    fresh = lookup_index_current()
    assert fresh is not first
    assert [e.value for e in fresh.entries_exact("QZ7001")] == ["QZ7001"]
    clock[0] += 10
    assert lookup_index_current() is fresh  # checked again, nothing changed: kept


def test_staff_correction_of_the_same_length_shows_at_the_five_second_check(
    belkin,  # noqa: F811
    settings,
    monkeypatch,
):
    settings.LOOKUP_INDEX_CHECK_SECONDS = 5
    settings.LOOKUP_INDEX_VERIFY_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    lookup_index_forget()
    first = lookup_index_current()
    # Same count, same ids, same lengths: only the characters change, and updated_at.
    identifier_correct(identifier=Identifier.objects.get(recall=belkin, normalized="MMA008"),
                       value="MMA009")  # fmt: skip
    clock[0] += 4
    assert lookup_index_current() is first  # not asked yet
    clock[0] += 2
    fresh = lookup_index_current()
    assert fresh.entries_exact("MMA008") == []
    assert [e.value for e in fresh.entries_exact("MMA009")] == ["MMA009"]

    rule = SerialRule.objects.get(recall=belkin, identifier__normalized="MMA009")
    assert rule.prefix == "57X"
    rule.prefix = "57Y"  # as staff save it in the admin
    rule.save()
    clock[0] += 6
    checked = lookup_index_current()
    assert checked is not fresh
    assert lookup(checked, model="MMA009", serial="57Y12345678901").best == "RECALLED"
    assert lookup(checked, model="MMA009", serial="57X12345678901").best == "NOT_AFFECTED"


def test_a_write_that_skips_updated_at_shows_at_the_content_check(belkin, settings, monkeypatch):  # noqa: F811
    settings.LOOKUP_INDEX_CHECK_SECONDS = 5
    settings.LOOKUP_INDEX_VERIFY_SECONDS = 60
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    lookup_index_forget()
    first = lookup_index_current()
    # Same count, same ids, same lengths, and update() leaves updated_at as it was.
    Identifier.objects.filter(recall=belkin, normalized="MMA008").update(
        value="MMA009", normalized="MMA009"
    )
    clock[0] += 6
    assert lookup_index_current() is first  # the cheap version check cannot see it
    clock[0] += 60
    fresh = lookup_index_current()
    assert fresh.entries_exact("MMA008") == []
    assert [e.value for e in fresh.entries_exact("MMA009")] == ["MMA009"]
