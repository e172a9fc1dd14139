"""GET /RestWebServices/Recall answers like CPSC's Recalls API, over the real recalls."""

import json

import pytest
from django.conf import settings

from recalldesk.registry.models import Recall

pytestmark = pytest.mark.django_db

CPSC_DIR = settings.DATA_DIR / "cpsc"
SAMPLE = json.loads((CPSC_DIR / "cpsc-api-sample.json").read_text(encoding="utf-8"))
BEFORE_2026 = json.loads(
    (CPSC_DIR / "cpsc-api-recalls-before-2026.json").read_text(encoding="utf-8")
)
CPSC_KEYS = list(SAMPLE[0])
PRODUCT_KEYS = list(SAMPLE[0]["Products"][0])


def _records(client, query: str) -> list[dict]:
    response = client.get(f"/RestWebServices/Recall?{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return json.loads(b"".join(response.streaming_content))


def _error(client, query: str) -> str:
    response = client.get(f"/RestWebServices/Recall?{query}")
    assert response.status_code == 400
    return response.json()["detail"]


@pytest.mark.parametrize("number", ["26090", "26-090"])
def test_recall_26_090_in_cpsc_schema(client, number):
    records = _records(client, f"format=json&RecallNumber={number}")
    assert len(records) == 1
    record = records[0]
    assert list(record) == CPSC_KEYS
    assert record["RecallNumber"] == "26090"
    assert record["Title"].startswith("Belkin Recalls Portable Power Banks")
    assert record["RecallDate"] == "2025-11-13T00:00:00"
    assert any("Belkin" in m["Name"] for m in record["Manufacturers"])
    assert set(record["Manufacturers"][0]) == {"Name", "CompanyID"}
    assert all(list(p) == PRODUCT_KEYS for p in record["Products"])
    assert record["Products"][0]["NumberOfUnits"].startswith("About 83,500")
    assert "lithium-ion" in record["Hazards"][0]["Name"]
    assert set(record["Hazards"][0]) == {"Name", "HazardType", "HazardTypeID"}
    assert {"Option": "Refund"} in record["RemedyOptions"]
    assert "Walmart" in record["Retailers"][0]["Name"]
    assert {"Country": "Vietnam"} in record["ManufacturerCountries"]
    assert "fire incident" in record["Injuries"][0]["Name"]


def test_parameter_names_are_case_insensitive(client):
    assert _records(client, "FORMAT=JSON&recallnumber=26090") == _records(
        client, "format=json&RecallNumber=26090"
    )


def test_every_record_of_the_sample_file_round_trips(client):
    for expected in SAMPLE:
        records = _records(client, f"format=json&RecallID={expected['RecallID']}")
        assert records == [expected]


def test_every_record_of_the_api_file_round_trips(client):
    served = {r["RecallID"]: r for r in _records(client, "format=json&RecallDateEnd=2025-12-31")}
    for expected in BEFORE_2026:
        assert served[expected["RecallID"]] == expected


def test_no_parameter_returns_every_recall_in_a_few_queries(client, django_assert_max_num_queries):
    # Read in chunks with their products, firms and source records: not a query per recall.
    with django_assert_max_num_queries(50):
        records = _records(client, "")
    assert len(records) == Recall.objects.count()
    assert len({r["RecallNumber"] for r in records}) == len(records)


def test_hazard_filters(client):
    records = _records(client, "format=json&Hazard=drowning")
    assert 0 < len(records) < Recall.objects.count()
    for record in records:
        assert any("drowning" in h["Name"].lower() for h in record["Hazards"]), record[
            "RecallNumber"
        ]


def test_upc_filters(client):
    with_upc = next(r for r in BEFORE_2026 if r["ProductUPCs"])
    upc = with_upc["ProductUPCs"][-1]["UPC"]
    records = _records(client, f"format=json&UPC={upc}")
    assert with_upc["RecallNumber"] in {r["RecallNumber"] for r in records}
    for record in records:
        assert upc in json.dumps(record["ProductUPCs"]) + record["Description"]
    assert _records(client, "format=json&UPC=000000000000000") == []


def test_manufacturer_country_filters(client):
    records = _records(client, "format=json&ManufacturerCountry=vietnam")
    assert 0 < len(records) < Recall.objects.count()
    assert "26090" in {r["RecallNumber"] for r in records}
    for record in records:
        assert any("vietnam" in c["Country"].lower() for c in record["ManufacturerCountries"])


def test_recall_dates_filter(client):
    records = _records(client, "format=json&RecallDateStart=2025-11-01&RecallDateEnd=2025-11-30")
    assert records
    assert all("2025-11-01" <= r["RecallDate"][:10] <= "2025-11-30" for r in records)
    # CPSC's own way of writing a date is accepted too.
    assert records == _records(
        client, "RecallDateStart=2025-11-01T00:00:00&RecallDateEnd=2025-11-30T00:00:00"
    )


def test_last_publish_dates_filter(client):
    records = _records(client, "LastPublishDateStart=2015-01-01&LastPublishDateEnd=2015-12-31")
    assert "13117" in {r["RecallNumber"] for r in records}
    assert all(r["LastPublishDate"][:4] == "2015" for r in records)


@pytest.mark.parametrize(
    ("query", "field", "text"),
    [
        ("RecallTitle=power bank", "Title", "power bank"),
        ("RecallDescription=MMA008", "Description", "mma008"),
        ("RecallURL=/Recalls/2018/", "URL", "/recalls/2018/"),
    ],
)
def test_text_parameters_match_a_substring(client, query, field, text):
    records = _records(client, f"format=json&{query}")
    assert records
    assert all(text in r[field].lower() for r in records)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Manufacturer=belkin", "Manufacturers"),
        ("Importer=inc", "Importers"),
        ("Distributor=inc", "Distributors"),
    ],
)
def test_firm_parameters_match_the_firm_in_its_role(client, query, key):
    records = _records(client, f"format=json&{query}")
    assert records
    needle = query.split("=")[1]
    assert all(any(needle in f["Name"].lower() for f in r[key]) for r in records)


@pytest.mark.parametrize(
    ("query", "found", "texts"),
    [
        ("ProductType=ovens", "13117", lambda r: [p["Type"] for p in r["Products"]]),
        ("ProductDescription=", None, lambda r: []),
        ("ImageURL=1152_1.png", "18218", lambda r: [i["URL"] for i in r["Images"]]),
        ("Injury=minor burns", "18218", lambda r: [i["Name"] for i in r["Injuries"]]),
        ("Remedy=free repair", "18218", lambda r: [i["Name"] for i in r["Remedies"]]),
        ("ConsumerContact=449-8691", "13117", lambda r: [r["ConsumerContact"]]),
        (
            "ProductModel=MMA008",
            "26090",
            lambda r: [r["Description"], *(p["Name"] + p["Description"] for p in r["Products"])],
        ),
    ],
)
def test_each_text_parameter_finds_the_records_that_hold_it(client, query, found, texts):
    records = _records(client, f"format=json&{query}")
    needle = query.split("=")[1].lower()
    if found is None:
        # A blank value is no filter, as at CPSC.
        assert len(records) == Recall.objects.count()
        return
    assert found in {r["RecallNumber"] for r in records}
    assert len(records) < Recall.objects.count()
    for record in records:
        assert any(needle in text.lower() for text in texts(record)), record["RecallNumber"]


def test_inconjunction_country_finds_joint_recalls_by_the_agency_host(client):
    records = _records(client, "format=json&InconjunctionCountry=Canada")
    numbers = {r["RecallNumber"] for r in records}
    # 18218's joint recall is on healthycanadians.gc.ca, newer ones on recalls-rappels.canada.ca.
    assert "18218" in numbers
    assert any("canada.ca/" in i["URL"] for r in records for i in r["Inconjunctions"])
    assert all(r["Inconjunctions"] for r in records)
    assert _records(client, "format=json&InconjunctionCountry=Atlantis") == []


def test_product_name_and_remedy_option(client):
    records = _records(client, "ProductName=power bank&RemedyOption=Refund")
    assert "26090" in {r["RecallNumber"] for r in records}
    assert all({"Option": "Refund"} in r["RemedyOptions"] for r in records)


def test_every_parameter_must_match(client):
    assert _records(client, "RecallNumber=26090&Hazard=drowning") == []


@pytest.mark.parametrize(
    "query",
    ["RecallDateStart=2025-13-01", "RecallDateEnd=yesterday", "LastPublishDateStart=11/13/2025"],
)
def test_a_bad_date_is_400_naming_the_parameter(client, query):
    assert _error(client, f"format=json&{query}").startswith(query.split("=")[0])


def test_an_unknown_parameter_is_400_naming_it(client):
    detail = _error(client, "format=json&RecallNumber=26090&Colour=red")
    assert detail.startswith("Colour: unknown parameter")
    assert "RecallNumber" in detail


def test_format_other_than_json_is_400(client):
    assert _error(client, "format=xml&RecallNumber=26090").startswith("format")


def test_a_bad_recall_id_is_400(client):
    assert _error(client, "RecallID=abc").startswith("RecallID")
