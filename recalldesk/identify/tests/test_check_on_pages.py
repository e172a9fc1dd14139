"""The "Check your product" form sits on the home page and on every recall page."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("path, prefix", [("/", "home"), ("/recalls/26-090/", "recall")])
def test_the_check_form_is_on_the_page_with_its_labels(client, path, prefix):
    page = _text(client.get(path))
    assert f'<label for="{prefix}-model">Model number</label>' in page
    assert f'id="{prefix}-serial" type="text" name="serial"' in page
    assert 'action="/check/" method="get"' in page
    assert f'hx-target="#{prefix}-verdicts"' in page


def test_the_recall_page_names_its_recall_in_the_check(client):
    page = _text(client.get("/recalls/26-090/"))
    assert "Is yours part of recall 26-090" in page


def test_the_form_on_the_recall_page_answers_for_the_real_26_090(client):
    """What the form sends, answered from the imported and extracted recall text."""
    response = client.get("/check/", {"model": "MMA008", "serial": "57X12345678901"})
    page = _text(response)
    assert "Your product is recalled. Stop using it." in page
    assert "26-090" in page
    response = client.get("/check/", {"model": "MMA008", "serial": "58A12345678901"})
    assert "57X" in _text(response)
