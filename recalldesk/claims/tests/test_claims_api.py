"""POST /api/claims as a program would call it, and the public terms and eligibility check."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recalldesk.claims.models import Claim
from recalldesk.claims.services import claim_get_by_status_token
from recalldesk.claims.tests.submit_helpers import (
    BACK,
    FRONT,
    belkin_program,
    evidence_root,  # noqa: F401 (fixture)
    nothing_saved,
    picture_bytes,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]

URL = "/api/claims"


@pytest.fixture
def program():
    return belkin_program()


def fields(**changes) -> dict:
    """The acceptance claim as multipart fields and files: $59.99 receipt, two photos."""
    data = {
        "program": "belkin-26-090",
        "model_number": "MMA008",
        "serial_number": "57X00000000001",
        "country": "US",
        "receipt_amount": "$59.99",
        "remedy": "store_credit",
        "owner_name": "Jordan Rivera",
        "email": "jordan.rivera@example.org",
        "phone": "310-555-0123",
        "address_line1": "555 S Aviation Blvd",
        "city": "El Segundo",
        "region": "CA",
        "postal_code": "90245",
        "receipt": upload("receipt.jpg", picture_bytes(seed=100)),
        "photo_1": upload("front.jpg", picture_bytes(seed=1)),
        "photo_1_label": FRONT,
        "photo_2": upload("back.jpg", picture_bytes(seed=2)),
        "photo_2_label": BACK,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def post(client, data: dict, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, data=data, headers=headers)


def test_a_multipart_claim_is_filed_and_answered_201(client, program):
    response = post(client, fields(), key=str(uuid.uuid4()))

    assert response.status_code == 201, response.content
    body = response.json()
    claim = Claim.objects.get()
    assert body["number"] == claim.number
    assert body["status"] == "submitted"
    assert (body["amount"], body["currency"], body["remedy"]) == ("71.99", "USD", "store_credit")
    token = body["status_url"].rsplit("/", 2)[-2]
    assert body["status_url"].startswith("http://")
    assert claim_get_by_status_token(token=token) == claim
    assert response["Cache-Control"] == "no-store"


def test_a_retried_request_returns_the_first_claim_with_the_same_body(client, program):
    key = str(uuid.uuid4())
    first = post(client, fields(), key=key)

    with nothing_saved():
        retry = post(client, fields(), key=key)

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == first.json()
    assert Claim.objects.count() == 1


def test_the_same_key_with_other_content_is_409(client, program):
    key = str(uuid.uuid4())
    post(client, fields(), key=key)

    with nothing_saved():
        response = post(client, fields(serial_number="57X00000000002"), key=key)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This Idempotency-Key was already used for a different claim.",
        "field": "idempotency_key",
    }


def test_without_a_key_the_same_serial_again_is_refused(client, program):
    post(client, fields())
    day = timezone.localtime(Claim.objects.get().submitted_at)

    response = post(client, fields())

    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"A claim for this serial number was already filed on {day:%B} {day.day}, {day.year}."
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"receipt_amount": "fifty"}, "receipt_amount", "as a number, e.g. 59.99"),
        ({"receipt_amount": "-59.99"}, "receipt_amount", "more than zero"),
        ({"model_number": "MMA-0O8X"}, "model_number", "not a model number"),
        ({"serial_number": "58A12345678901"}, "serial_number", "start with 57X"),
        ({"photo_2": None}, "photos", BACK),
        ({"photo_1": upload("front.jpg", b"MZ\x90\x00" + bytes(2000))}, "photos", "not a photo"),
        ({"photo_11": upload("x.jpg", picture_bytes())}, "photo_11", "photo_1 to photo_10"),
        ({"country": ""}, "country", "United States or Canada"),
    ],
)
def test_a_refused_claim_is_400_with_the_field_and_saves_nothing(
    client, program, changes, field, words
):
    with nothing_saved():
        response = post(client, fields(**changes), key=str(uuid.uuid4()))

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert words in body["detail"]


@pytest.mark.parametrize("name", ["photos", "photo_11", "file"])
def test_a_file_under_another_name_is_400_naming_the_fields_that_take_files(client, program, name):
    data = fields(photo_2=None, photo_2_label=None)
    data[name] = upload("back.jpg", picture_bytes(seed=2))

    with nothing_saved():
        response = post(client, data)

    assert response.status_code == 400
    body = response.json()
    assert body["field"] == name
    assert "receipt, photo_1 to photo_10 (each with its label" in body["detail"]
    assert f"'{name}' is not one of them" in body["detail"]


def test_a_30_megabyte_photo_is_400(client, program):
    big = upload("front.jpg", picture_bytes() + bytes(30 * 1024 * 1024))

    with nothing_saved():
        response = post(client, fields(photo_1=big))

    assert response.status_code == 400
    assert "the limit is 10 MB" in response.json()["detail"]


def test_an_unknown_or_closed_program_is_404(client, program):
    assert post(client, fields(program="no-such-program")).status_code == 404
    program.closes_at = timezone.now()
    program.save()

    response = post(client, fields())

    assert response.status_code == 404
    assert response.json()["field"] == "program"


def test_a_request_that_is_not_a_claim_is_400(client, program):
    assert client.post(URL, data="{}", content_type="application/json").status_code == 400
    assert post(client, {}).json()["field"] == "program"
    too_many = {f"field_{n}": "x" for n in range(1100)}
    assert post(client, fields(**too_many)).status_code == 400


def test_programs_may_post_without_a_csrf_token(program):
    client = Client(enforce_csrf_checks=True)

    assert post(client, fields()).status_code == 201


@pytest.mark.usefixtures("rate_limit_clock_held")
def test_a_client_filing_too_many_claims_is_told_to_wait(client, program, settings):
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    try:
        answers = [post(client, {"program": "no-such-program"}).status_code for _ in range(20)]
        response = post(client, {"program": "no-such-program"})
    finally:
        cache.clear()

    assert set(answers) == {404}
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_the_terms_of_an_open_program(client, program):
    response = client.get("/api/claims/programs/belkin-26-090")

    assert response.status_code == 200
    terms = response.json()
    assert terms["recall_number"] == "26-090"
    assert terms["required_photos"] == [FRONT, BACK]
    assert [remedy["code"] for remedy in terms["remedies"]] == ["refund", "store_credit"]
    assert terms["currencies"] == {"US": "USD", "CA": "CAD"}
    assert terms["store_credit_bonus_rate"] == "0.2000"
    mma008 = next(p for p in terms["products"] if p["model_number"] == "MMA008")
    assert mma008["serial_rule"] == "Serial numbers start with 57X and have 14 characters."
    assert client.get("/api/claims/programs/nope").status_code == 404


def test_the_eligibility_check_as_the_owner_types(client, program):
    url = "/api/claims/eligibility"
    answer = client.get(
        url,
        {
            "program": "belkin-26-090",
            "model": "mma-008",
            "serial": "57X00000000001",
            "country": "US",
            "receipt_amount": "59.99",
        },
    ).json()
    assert answer["status"] == "eligible"
    assert answer["amounts"] == {"currency": "USD", "refund": "59.99", "store_credit": "71.99"}

    wrong = client.get(url, {"program": "belkin-26-090", "model": "MMA008", "serial": "58A1"})
    assert wrong.json()["status"] == "not_eligible"
    assert "57X" in wrong.json()["message"]
    assert client.get(url, {"program": "nope", "model": "MMA008"}).status_code == 404
    assert client.get(url, {"program": "belkin-26-090", "model": "M" * 300}).status_code == 400


field_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "MMA008", "57X00000000001", "US", "CA", "refund", "store_credit"]),
    st.text(alphabet="0123456789.,$- \x00", max_size=12),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.fixed_dictionaries(
        {
            "model_number": field_text,
            "serial_number": field_text,
            "country": field_text,
            "receipt_amount": field_text,
            "remedy": field_text,
            "email": field_text,
            "postal_code": field_text,
            "payout_method": field_text,
            "paypal_email": field_text,
        }
    ),
    st.text(max_size=300),
)
def test_no_fields_make_the_claims_api_fail(client, program, sent, key):
    data = fields(receipt=None, photo_1=None, photo_2=None, **sent)

    response = post(client, data, key=key or None)

    assert response.status_code in {200, 201, 400, 409}, response.content
    assert "detail" in response.json() or "number" in response.json()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(model=st.text(max_size=60), serial=st.text(max_size=60), country=field_text)
def test_no_query_makes_the_eligibility_check_fail(client, program, model, serial, country):
    response = client.get(
        "/api/claims/eligibility",
        {"program": "belkin-26-090", "model": model, "serial": serial, "country": country[:2]},
    )

    assert response.status_code in {200, 400}, response.content
