"""A program's claims as CSV: streamed, with the queue's filters and the columns a firm needs."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from recalldesk.claims import exports
from recalldesk.claims.models import Claim
from recalldesk.claims.tests.programs_setup import FAST_HASHERS, claim_for
from recalldesk.claims.tests.review_setup import review_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def world(db):
    return review_world()


def download(client, world, **filters) -> tuple[StreamingHttpResponse, list[dict]]:
    url = reverse("claims_review:export", args=[world["program"].slug])
    response = client.get(url, filters)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == exports.HEADER
    return response, list(reader)


def test_the_export_streams_every_claim_with_its_columns(client, world):
    client.force_login(world["carol"])  # a viewer may read, so may download

    response, rows = download(client, world)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{world["program"].slug}-claims-')
    assert "no-store" in response["Cache-Control"]
    by_number = {row["claim_number"]: row for row in rows}
    assert len(rows) == 5
    clean = by_number[world["clean"].number]
    assert clean["status"] == "submitted"
    assert clean["model_number"] == "MMA008"
    assert clean["serial_number"] == "57X00000000001"
    assert (clean["country"], clean["currency"], clean["amount"]) == ("US", "USD", "71.99")
    assert clean["receipt_amount"] == "59.99"
    assert clean["remedy"] == "store_credit"
    assert clean["email"] == "ann@example.org"
    assert clean["phone"] == "+1 555 0100"  # a phone number is not taken for a formula
    assert clean["has_fraud_signals"] == "no"
    assert clean["submitted_at_utc"].endswith("+00:00")
    assert clean["disposal_confirmed_at_utc"] == ""
    assert by_number[world["flagged"].number]["has_fraud_signals"] == "yes"
    canadian = by_number[world["canadian"].number]
    assert (canadian["country"], canadian["currency"], canadian["amount"]) == ("CA", "CAD", "65.99")
    # Oldest first, so a later export continues where an earlier one ended.
    assert rows[0]["claim_number"] == world["old"].number
    assert "payout_details" not in rows[0]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "in_review"}, {"old"}),
        ({"signals": "yes"}, {"flagged"}),
        ({"signals": "no", "country": "US", "status": "submitted"}, {"clean", "clean_two"}),
        ({"age": "7"}, {"old"}),
        ({"country": "CA"}, {"canadian"}),
    ],
)
def test_the_export_has_the_queues_filters(client, world, filters, expected):
    client.force_login(world["rose"])
    _, rows = download(client, world, **filters)
    assert {row["claim_number"] for row in rows} == {world[name].number for name in expected}


def test_the_queue_links_its_filters_to_the_export(client, world):
    client.force_login(world["rose"])
    page = client.get(
        reverse("claims_review:queue", args=[world["program"].slug]), {"country": "CA"}
    ).content.decode()
    export = reverse("claims_review:export", args=[world["program"].slug])
    assert f'href="{export}?country=CA"' in page


def test_a_formula_an_owner_typed_is_kept_as_text(client, world):
    Claim.objects.filter(pk=world["clean"].pk).update(
        owner_name='=HYPERLINK("http://evil.example","click")', city="@SUM(1+1)"
    )
    client.force_login(world["rose"])
    _, rows = download(client, world)
    row = next(r for r in rows if r["claim_number"] == world["clean"].number)
    assert row["owner_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["city"] == "'@SUM(1+1)"


def test_the_number_of_queries_does_not_grow_with_the_claims(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows = list(
                exports.claims_export_rows(program=world["program"], filters=exports.ClaimFilters())
            )
        return len(captured), len(rows)

    few, rows_before = queries()
    for n in range(20):
        claim_for(
            world["program"],
            world["stand"],
            serial=f"57X{n + 100:011d}",
            email=f"owner{n}@example.org",
            amount=Decimal("10.00"),
        )
    many, rows_after = queries()
    assert rows_after == rows_before + 20
    assert many == few


def test_the_rows_come_lazily_from_a_generator(world):
    rows = exports.claims_export_rows(program=world["program"], filters=exports.ClaimFilters())
    with CaptureQueriesContext(connection) as captured:
        assert next(rows) == exports.HEADER
    assert len(captured) == 0  # the header goes out before the database is asked


@given(st.text(max_size=40) | st.from_regex(r"\A[+\-=@][0-9 ().\n-]*\Z"))
def test_no_cell_starts_a_formula_and_none_loses_its_text(text):
    cell = exports._cell(text)
    dangerous = cell[:1] in {"=", "@", "\t", "\r"} or (
        cell[:1] in {"+", "-"} and not all(c in "0123456789 ().-" for c in cell[1:])
    )
    assert not dangerous
    assert cell in (text, f"'{text}")
