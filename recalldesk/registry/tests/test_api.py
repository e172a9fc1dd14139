"""GET /api/recalls and /api/recalls/{number}, over the real CPSC recalls."""

import pytest

from recalldesk.registry.models import Recall, RemedyType

pytestmark = pytest.mark.django_db


def _all(client, **params) -> list[dict]:
    """Every result of a search, walking the pages by their next links."""
    url = "/api/recalls"
    response = client.get(url, {**params, "page_size": 100})
    results = []
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results.extend(body["results"])
        if body["next"] is None:
            assert len(results) == body["count"]
            return results
        response = client.get(body["next"])


def _count(client, **params) -> int:
    response = client.get("/api/recalls", params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_the_list_holds_every_recall_newest_first(client):
    total = Recall.objects.count()
    assert total >= 760
    results = _all(client)
    numbers = [r["number_normalized"] for r in results]
    assert len(numbers) == total
    assert len(set(numbers)) == total
    dated = [r["recall_date"] for r in results if r["recall_date"]]
    assert dated == sorted(dated, reverse=True)


def test_walking_the_pages_yields_each_recall_once_in_the_same_order(client):
    total = _count(client)
    seen = []
    page = 1
    while True:
        body = client.get("/api/recalls", {"page": page, "page_size": 37}).json()
        assert body["page"] == page and body["page_size"] == 37
        seen.extend((r["agency"], r["number_normalized"]) for r in body["results"])
        if not body["next"]:
            break
        page += 1
    assert len(seen) == total == len(set(seen))
    again = client.get("/api/recalls", {"page": 2, "page_size": 37}).json()["results"]
    assert [(r["agency"], r["number_normalized"]) for r in again] == seen[37:74]


def test_a_page_past_the_last_is_empty_with_the_count(client):
    total = _count(client)
    body = client.get("/api/recalls", {"page": 10_000, "page_size": 100}).json()
    assert body["results"] == [] and body["count"] == total and body["next"] is None
    last_page = -(-total // 100)
    assert f"page={last_page}" in body["previous"]


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"page": -3}, {"page": "two"}, {"page_size": 0}, {"page_size": 101}],
)
def test_bad_pagination_is_400_naming_the_parameter(client, params):
    response = client.get("/api/recalls", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["detail"]


def test_search_belkin_finds_26_090(client):
    results = _all(client, q="Belkin")
    assert "26090" in [r["number_normalized"] for r in results]
    assert len(results) < Recall.objects.count()


def test_each_filter_narrows_the_list_to_recalls_that_match(client):
    total = _count(client)

    for result in _all(client, date_from="2025-06-01", date_to="2025-06-30"):
        assert "2025-06-01" <= result["recall_date"] <= "2025-06-30"
    assert 0 < _count(client, date_from="2025-06-01") < total
    assert 0 < _count(client, date_to="2024-06-01") < total

    lithium = _all(client, hazard="lithium")
    assert 0 < len(lithium) < total
    assert all("lithium" in r["hazard"].lower() for r in lithium)

    refunds = _all(client, remedy_type="Refund")
    assert 0 < len(refunds) < total
    assert all("Refund" in r["remedy_types"] for r in refunds)

    belkin = _all(client, firm="Belkin")
    assert 0 < len(belkin) < total
    assert all(any("belkin" in f["name"].lower() for f in r["firms"]) for r in belkin)

    walmart = _all(client, retailer="Walmart")
    assert 0 < len(walmart) < total
    assert "26090" in {r["number_normalized"] for r in walmart}
    for result in walmart[:5]:
        detail = client.get(result["detail_url"]).json()
        assert "walmart" in detail["sold_at_text"].lower()

    vietnam = _all(client, country="Vietnam")
    assert 0 < len(vietnam) < total
    for result in vietnam[:5]:
        assert "Vietnam" in client.get(result["detail_url"]).json()["manufacture_countries"]


def test_filters_combine(client):
    both = _all(client, firm="Belkin", remedy_type="Refund", date_from="2025-11-13")
    assert "26090" in {r["number_normalized"] for r in both}
    assert len(both) <= min(_count(client, firm="Belkin"), _count(client, remedy_type="Refund"))


def test_agency_filters(client):
    assert _count(client, agency="CPSC") == Recall.objects.filter(agency="CPSC").count() > 0
    assert _count(client, agency="HC") == Recall.objects.filter(agency="HC").count()


def test_an_unknown_remedy_type_is_400_listing_the_allowed_ones(client):
    response = client.get("/api/recalls", {"remedy_type": "Voucher"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("remedy_type")
    assert all(choice in detail for choice in RemedyType.values)


def test_a_bad_date_is_400(client):
    response = client.get("/api/recalls", {"date_from": "13/11/2025"})
    assert response.status_code == 400
    assert "date_from" in response.json()["detail"]


def test_a_page_of_100_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = client.get("/api/recalls", {"page_size": 100}).json()
    assert len(body["results"]) == 100
    assert any(r["firms"] for r in body["results"])


@pytest.mark.parametrize("number", ["26-090", "26090"])
def test_26_090_full_record(client, number):
    response = client.get(f"/api/recalls/{number}")
    assert response.status_code == 200
    recall = response.json()
    assert recall["number"] == "26-090" and recall["number_normalized"] == "26090"
    assert recall["title"].startswith("Belkin Recalls Portable Power Banks")
    assert recall["recall_date"] == "2025-11-13"
    assert recall["units_text"].startswith("About 83,500")
    assert recall["units_total"] == 83_500
    assert recall["units_by_country"] == {"US": 83_500, "CA": 2_385}
    for retailer in ["Best Buy", "Target", "Walmart", "Belkin.com", "Amazon.com", "TikTok"]:
        assert retailer in recall["retailers"]
    assert recall["sold_period"] == {"first_month": "2020-08", "last_month": "2025-08"}
    assert recall["price_range"] == {"min": "29.00", "max": "180.00", "currency": "USD"}
    assert "Refund" in recall["remedy_types"]
    assert "lithium-ion" in recall["hazard"]
    assert "fire incident" in recall["incidents_text"]
    assert {"Vietnam", "China"} <= set(recall["manufacture_countries"])
    manufacturers = [f for f in recall["firms"] if f["role"] == "manufacturer"]
    assert manufacturers[0]["name"].startswith("Belkin International")
    assert "El Segundo" in manufacturers[0]["location"]
    assert recall["products"] and all(p["name"] for p in recall["products"])


def test_a_record_from_cpsc_json_has_its_images_and_joint_recalls(client):
    recall = client.get("/api/recalls/18218").json()
    assert recall["cpsc_recall_id"] == 8395
    assert recall["images"][0]["url"] == "https://www.cpsc.gov/s3fs-public/1152_1.png"
    assert len(recall["images"]) == 17
    assert recall["joint_recalls"][0]["url"].startswith("https://healthycanadians.gc.ca/")


@pytest.mark.parametrize("number", ["99-999", "nothing", "2609", "%20"])
def test_an_unknown_number_is_404_with_a_message(client, number):
    response = client.get(f"/api/recalls/{number}")
    assert response.status_code == 404
    assert "No recall is numbered" in response.json()["detail"]


def test_openapi_lists_the_paths_and_docs_answer(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Recall Desk API"
    assert {"/api/recalls", "/api/recalls/{number}", "/RestWebServices/Recall"} <= set(
        schema["paths"]
    )
    cpsc_parameters = {
        p["name"] for p in schema["paths"]["/RestWebServices/Recall"]["get"]["parameters"]
    }
    assert {"RecallNumber", "Hazard", "UPC", "ManufacturerCountry"} <= cpsc_parameters
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
