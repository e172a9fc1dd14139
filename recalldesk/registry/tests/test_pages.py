"""The public pages, through HTTP, on the real CPSC recalls imported for the test session."""

import math
import re

import pytest
from django.conf import settings
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from recalldesk.registry.forms import RecallSearchForm
from recalldesk.registry.models import Recall
from recalldesk.registry.selectors import manufacture_countries
from recalldesk.registry.templatetags import recall_format

pytestmark = pytest.mark.django_db

BELKIN = "26-090"
_COUNT = re.compile(r'class="result-count"[^>]*>([\d,]+) recall')
_CARD_LINK = re.compile(r'<h3 class="card-title"><a href="/recalls/([^"]+)/">')


def result_count(html: str) -> int:
    match = _COUNT.search(html)
    assert match, "the page shows no result count"
    return int(match.group(1).replace(",", ""))


def listed_numbers(html: str) -> list[str]:
    return _CARD_LINK.findall(html)


def test_home_has_one_search_box_and_the_latest_recalls(client):
    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count('type="search"') == 1
    assert '<label for="home-q">Model number, product or brand</label>' in html
    assert 'action="/recalls/"' in html
    newest = list(Recall.objects.order_by("-recall_date", "-number_normalized", "-id")[:10])
    assert listed_numbers(html) == [recall.number for recall in newest]
    assert html.count("<h1") == 1


def test_searching_belkin_finds_26_090(client):
    html = client.get("/recalls/", {"q": "Belkin"}).content.decode()

    assert BELKIN in listed_numbers(html)
    assert 0 < result_count(html) < Recall.objects.count()


def test_searching_a_model_number_finds_its_recall(client):
    html = client.get("/recalls/", {"q": "MMA008"}).content.decode()

    assert listed_numbers(html) == [BELKIN]


def _other_country() -> str:
    belkin = Recall.objects.get(number=BELKIN)
    return next(c for c in manufacture_countries() if c not in belkin.manufacture_country_list)


# Each filter, with a value 26-090 matches and one it does not.
FILTERS = [
    ({"date_from": "2025-11-13", "date_to": "2025-11-13"}, {"date_from": "2025-11-14"}),
    ({"hazard": "lithium-ion overheat"}, {"hazard": "drowning"}),
    ({"remedy_type": "Refund"}, {"remedy_type": "Repair"}),
    ({"retailer": "Best Buy"}, {"retailer": "Costco"}),
    ({"firm": "Belkin International"}, {"firm": "Anker"}),
    ({"country": "Vietnam"}, {"country": _other_country}),
]


@pytest.mark.parametrize(("matching", "excluding"), FILTERS)
def test_each_filter_narrows_the_list(client, matching, excluding):
    excluding = {k: v() if callable(v) else v for k, v in excluding.items()}
    total = result_count(client.get("/recalls/").content.decode())

    narrowed = client.get("/recalls/", matching).content.decode()
    with_belkin = client.get("/recalls/", {"q": "Belkin", **matching}).content.decode()
    without_belkin = client.get("/recalls/", {"q": "Belkin", **excluding}).content.decode()

    assert 0 < result_count(narrowed) < total
    assert BELKIN in listed_numbers(with_belkin)
    assert BELKIN not in listed_numbers(without_belkin)


def test_the_list_is_paginated_with_the_total_shown(client):
    total = Recall.objects.count()
    size = settings.RECALLS_PAGE_SIZE
    pages = math.ceil(total / size)

    first = client.get("/recalls/").content.decode()
    second = client.get("/recalls/", {"page": 2}).content.decode()
    last = client.get("/recalls/", {"page": pages}).content.decode()

    assert result_count(first) == total
    assert len(listed_numbers(first)) == size
    assert f"Page 2 of {pages}" in second
    assert not set(listed_numbers(first)) & set(listed_numbers(second))
    assert len(listed_numbers(last)) == total - size * (pages - 1)
    assert 'rel="next" href="?page=2"' in first


@pytest.mark.parametrize(("page", "shown"), [("abc", "first"), ("99999", "last"), ("-3", "first")])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, page, shown):
    pages = math.ceil(Recall.objects.count() / settings.RECALLS_PAGE_SIZE)
    response = client.get("/recalls/", {"page": page})

    assert response.status_code == 200
    expected = 1 if shown == "first" else pages
    assert f"Page {expected} of {pages}" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "13/13/2025"}, "Enter a date like 2025-11-13."),
        ({"date_to": "yesterday"}, "Enter a date like 2025-11-13."),
        (
            {"date_from": "2025-12-01", "date_to": "2025-01-01"},
            "The end date (2025-01-01) is before the start date (2025-12-01)",
        ),
        ({"remedy_type": "Free pony"}, "Select a valid choice."),
        ({"country": "Atlantis"}, "Select a valid choice."),
        ({"q": "a" * 201}, "Ensure this value has at most 200 characters"),
        ({"q": "Belkin\x00"}, "Null characters are not allowed."),
    ],
)
def test_bad_input_is_a_400_with_the_reason_never_a_500(client, query, message):
    response = client.get("/recalls/", query)
    html = response.content.decode()

    assert response.status_code == 400
    assert message in html
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html


def test_htmx_gets_the_results_alone(client):
    response = client.get("/recalls/", {"q": "Belkin"}, headers={"HX-Request": "true"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<html" not in html
    assert BELKIN in listed_numbers(html)
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = client.get("/recalls/", {"q": "Belkin"}, headers=headers).content.decode()

    assert "<html" in html


def test_the_list_form_labels_every_input(client):
    html = client.get("/recalls/").content.decode()

    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert len(ids) == len(RecallSearchForm().fields)
    for input_id in ids:
        assert f'for="{input_id}"' in html, f"no label for #{input_id}"


def test_the_recall_page_of_26_090_shows_what_a_consumer_needs(client):
    response = client.get("/recalls/26-090/")
    html = response.content.decode()

    assert response.status_code == 200
    for text in [
        "83,500",
        "2,385",
        "Canada",
        "Best Buy",
        "Target",
        "Walmart",
        "Belkin.com",
        "Amazon.com",
        "TikTok",
        "August 2020 to August 2025",
        "$29 to $180",
        "The firm has received one report of a fire incident in the U.S.",
        "MMA008",
        "Belkin International Inc.",
    ]:
        assert text in html, text
    assert "About 83,500 in the United States; about 2,385 in Canada" in html
    assert html.count("<h1") == 1


def test_the_recall_page_puts_what_to_do_first(client):
    html = client.get("/recalls/26-090/").content.decode()

    order = [
        html.index('id="recall-title"'),
        html.index("What to do now"),
        html.index("How to identify the product"),
        html.index('id="remedy-title"'),
        html.index('id="units-title"'),
        html.index('id="sold-title"'),
        html.index('id="incidents-title"'),
        html.index('id="disposal-title"'),
        html.index('id="source-title"'),
    ]
    assert order == sorted(order)
    what_to_do = html[order[1] : order[2]]
    assert "stop using the recalled power banks" in what_to_do


def test_a_lithium_ion_recall_tells_how_to_dispose_of_the_battery(client):
    html = client.get("/recalls/26-090/").content.decode()
    disposal = html[html.index('id="disposal-title"') : html.index('id="source-title"')]

    assert "accepts damaged or defective lithium-ion batteries" in disposal
    assert "household hazardous waste" in disposal
    assert "household trash" in disposal
    assert "recycling bins" in disposal
    assert "battery drop-off box" in disposal


def test_another_recall_shows_its_own_disposal_words_not_the_battery_advice(client):
    recall = next(
        r
        for r in Recall.objects.filter(remedy_text__icontains="dispose").order_by("number")
        if not re.search(r"lithium|li-ion|battery|power ?bank", f"{r.title} {r.hazard}", re.I)
        and not re.search(r"lithium|li-ion|battery pack|power ?bank", r.description, re.I)
    )
    html = client.get(f"/recalls/{recall.number}/").content.decode()
    disposal = html[html.index('id="disposal-title"') : html.index('id="source-title"')]

    assert "dispose" in disposal.lower()
    assert "lithium-ion" not in disposal


def test_the_number_without_hyphen_leads_to_the_same_recall(client):
    response = client.get("/recalls/26090/", follow=True)

    assert response.redirect_chain == [("/recalls/26-090/", 301)]
    assert "83,500" in response.content.decode()


def test_an_unknown_recall_number_is_a_404_page(client):
    response = client.get("/recalls/99-999/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_photos_are_links_never_images_loaded_from_another_site(client):
    recall = next(r for r in Recall.objects.exclude(images=[]).order_by("number") if r.images)
    html = client.get(f"/recalls/{recall.number}/").content.decode()

    assert "<img" not in html
    photos = html[html.index('id="photos-title"') :]
    links = re.findall(r'<a href="(https?://[^"]+)"', photos[: photos.index("</section>")])
    assert len(links) == len(recall.images)


def test_the_source_names_the_formats_and_the_history(client):
    html = client.get("/recalls/26-090/").content.decode()
    source = html[html.index('id="source-title"') :]

    assert "cpsc.gov recall search (CSV export)" in source
    assert "Change history" in source
    assert "created from cpsc.gov recall search (CSV export)" in source


def test_the_source_links_the_agency_notice(client):
    recall = Recall.objects.exclude(url="").order_by("number").first()
    html = client.get(f"/recalls/{recall.number}/").content.decode()
    source = html[html.index('id="source-title"') :]

    assert f'href="{recall.url}"' in source
    assert "CPSC Recalls API (JSON)" in source


def test_recalls_of_every_shape_have_a_page(client):
    # Every 15th recall, then the odd shapes: no date, no units, no remedy, photos, joint recalls.
    numbers = set(Recall.objects.order_by("number").values_list("number", flat=True)[::15])
    for odd in [
        Recall.objects.filter(recall_date=None),
        Recall.objects.filter(units_total=None),
        Recall.objects.filter(remedy_text=""),
        Recall.objects.exclude(images=[]),
        Recall.objects.exclude(joint_recalls=[]),
        Recall.objects.exclude(price_min=None).exclude(price_min=models.F("price_max")),
    ]:
        numbers.update(odd.order_by("number").values_list("number", flat=True)[:3])
    failures = {}
    for number in sorted(numbers):
        response = client.get(f"/recalls/{number}/")
        if response.status_code != 200 or "What to do now" not in response.content.decode():
            failures[number] = response.status_code

    assert len(numbers) > 50
    assert failures == {}


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        # Only Canada and Mexico are "about" in the published text.
        ("25-413", "22,850 in the United States; about 1,977 in Canada; about 190 in Mexico"),
        ("26-089", "$0.65 to $2.25"),
        ("25-189", "<dd>January 2025</dd>"),
    ],
)
def test_units_prices_and_months_read_as_published(client, number, shown):
    html = client.get(f"/recalls/{number}/").content.decode()

    assert shown in html


@given(text=st.text(max_size=300))
def test_splitting_sentences_never_loses_words(text):
    parts = recall_format.sentences(text)

    assert "".join("".join(parts).split()) == "".join(text.split())


money = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2))


@given(
    units_text=st.text(max_size=80),
    units=st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), st.text(max_size=8))),
    low=money,
    high=money,
    currency=st.sampled_from(["", "USD", "CAD", "EUR", "XYZ"]),
    sold_from=st.one_of(st.none(), st.dates()),
    sold_to=st.one_of(st.none(), st.dates()),
)
def test_formatting_any_recall_never_fails(
    units_text, units, low, high, currency, sold_from, sold_to
):
    recall = Recall(
        units_text=units_text,
        units_by_country=units,
        price_min=low,
        price_max=high,
        price_currency=currency,
        sold_from=sold_from,
        sold_to=sold_to,
    )

    assert isinstance(recall_format.units_per_country(recall), str)
    assert isinstance(recall_format.sale_period(recall), str)
    prices = recall_format.price_range(recall)
    assert (prices == "") == (low is None and high is None)


def test_the_error_pages_keep_the_site_layout_without_a_request(rf):
    from django.views import defaults

    server_error = defaults.server_error(rf.get("/"))
    bad_request = defaults.bad_request(rf.get("/"), Exception())

    assert server_error.status_code == 500
    assert "Something went wrong on our side" in server_error.content.decode()
    assert bad_request.status_code == 400
    assert "Skip to main content" in bad_request.content.decode()
