"""The "Check your product" page: without JavaScript (GET /check/) and with htmx (a fragment)."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from recalldesk.identify.tests.lookup_db import belkin  # noqa: F401  (a fixture)
from recalldesk.identify.tests.lookup_rows import BELKIN

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_empty_page_shows_the_form_with_labels(client):
    response = client.get("/check/")
    assert response.status_code == 200
    page = _text(response)
    assert "<h1>Is your product recalled?</h1>" in page
    for field, label in (("model", "Model number"), ("serial", "Serial number")):
        assert f'<label for="check-{field}">{label}' in page
        assert f'id="check-{field}" type="text" name="{field}"' in page
    assert 'action="/check/" method="get"' in page and 'hx-get="/check/"' in page
    assert 'class="verdict ' not in page


def test_recalled_says_stop_using_it_and_links_to_the_remedy(client, belkin):  # noqa: F811
    response = client.get("/check/", {"model": "MMA008", "serial": "57X12345678901"})
    assert response.status_code == 200
    page = _text(response)
    assert "Your product is recalled. Stop using it." in page
    assert "<strong>Stop using it.</strong>" in page
    assert f'<a href="/recalls/{BELKIN}/#remedy-title">File a claim or see the remedy</a>' in page
    assert 'value="MMA008"' in page  # the form keeps what was typed
    assert "<!doctype html>" in page


def test_not_affected_names_the_rule(client, belkin):  # noqa: F811
    page = _text(client.get("/check/", {"model": "MMA008", "serial": "58A12345678901"}))
    assert "Not affected" in page
    assert "it includes only serial numbers starting with 57X, 14 characters long" in page


def test_need_serial_says_where_to_find_it_and_asks_for_it(client, belkin):  # noqa: F811
    page = _text(client.get("/check/", {"model": "BPB002"}))
    assert "Serial number needed" in page
    assert "Where to find the serial number:</strong> on the back of the power bank" in page
    assert '<input type="hidden" name="model" value="BPB002">' in page
    answer = _text(client.get("/check/", {"model": "BPB002", "serial": "35S00000000001"}))
    assert "Your product is recalled" in answer


def test_possible_offers_did_you_mean_that_checks_again(client, belkin):  # noqa: F811
    page = _text(client.get("/check/", {"model": "MMAO08", "serial": "57X12345678901"}))
    link = re.search(r'<a href="([^"]+)" hx-get="[^"]+"[^>]*>Did you mean MMA008\?', page)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert url == "/check/?model=MMA008&serial=57X12345678901"
    assert "Your product is recalled" in _text(client.get(url))


def test_htmx_gets_only_the_verdicts(client, belkin):  # noqa: F811
    response = client.get("/check/", {"model": "PB0003"}, headers=HTMX)
    assert response.status_code == 200
    fragment = _text(response)
    assert "<html" not in fragment and '<form class="check-form"' not in fragment
    assert 'class="verdict verdict-recalled"' in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_wrong_upc_is_a_400_with_the_message_on_the_field(client, belkin):  # noqa: F811
    response = client.get("/check/", {"model": "", "upc": "012345678906"})
    assert response.status_code == 400
    page = _text(response)
    assert "The UPC 012345678906 has a wrong check digit" in page
    assert re.search(r'id="check-upc"[^>]*aria-invalid="true"', page)
    assert '<a href="#check-upc">UPC (optional)</a>' in page
    fragment = _text(client.get("/check/", {"upc": "012345678906"}, headers=HTMX))
    assert "wrong check digit" in fragment and 'role="alert"' in fragment


def test_empty_submit_asks_for_something(client):
    response = client.get("/check/", {"model": "", "serial": ""})
    assert response.status_code == 400
    assert "Enter a model number, a UPC, or a few words about the product." in _text(response)


def test_no_match_offers_the_recall_search(client, belkin):  # noqa: F811
    page = _text(client.get("/check/", {"model": "QQ-99999-ZZ"}))
    assert "No recall in the registry matches." in page
    assert '<a href="/recalls/?q=QQ-99999-ZZ">Search all recalls</a>' in page


def test_words_list_the_recalls_models_as_links(client, belkin):  # noqa: F811
    page = _text(client.get("/check/", {"q": "belkin charging stand"}))
    assert '<a href="/check/?model=MMA008"' in page
    assert '<a href="/recalls/?q=belkin+charging+stand">See every recall matching' in page


def test_the_form_partial_renders_on_other_pages_with_its_own_ids():
    request = RequestFactory().get("/")
    html = render_to_string(
        "identify/_check_form.html", {"prefix": "recall", "recall_number": BELKIN}, request
    )
    assert 'id="recall-model"' in html and 'hx-target="#recall-verdicts"' in html
    assert f"Is yours part of recall {BELKIN}" in html
    assert 'name="q"' not in html  # the words field is only on the check page
    assert 'id="recall-verdicts" class="verdicts" aria-live="polite"></div>' in html
