"""The Atom feed of new recalls, read as a feed reader would."""

import xml.etree.ElementTree as ET

import pytest

from recalldesk.registry.models import Recall

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own server's answer)
    assert root.tag == f"{ATOM}feed"
    return root


def test_the_feed_is_atom_with_the_50_newest_recalls(client):
    root = parse(client.get("/recalls/feed.atom"))
    entries = root.findall(f"{ATOM}entry")
    newest = list(Recall.objects.order_by("-recall_date", "-number_normalized", "-id")[:50])

    assert root.findtext(f"{ATOM}title") == "Recall Desk: new recalls"
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    assert len(entries) == 50
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"{r.number}: {r.title}" for r in newest
    ]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href").endswith(f"/recalls/{newest[0].number}/")
    assert first.findtext(f"{ATOM}published").startswith(newest[0].recall_date.isoformat())
    assert first.findtext(f"{ATOM}summary") == newest[0].hazard


def test_a_search_feed_lists_26_090(client):
    belkin = Recall.objects.get(number="26-090")
    root = parse(client.get("/recalls/feed.atom", {"q": "Belkin"}))
    entries = {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}

    entry = entries[f"26-090: {belkin.title}"]
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/recalls/26-090/"
    assert "lithium-ion battery" in entry.findtext(f"{ATOM}summary")
    assert entry.find(f"{ATOM}category").get("term") == "Refund"


def test_a_bad_search_feed_is_a_400_with_the_reason(client):
    response = client.get("/recalls/feed.atom", {"date_from": "2025-13-01"})

    assert response.status_code == 400
    assert "Enter a date like 2025-11-13." in response.content.decode()


def test_pages_announce_the_feed(client):
    html = client.get("/").content.decode()

    assert 'type="application/atom+xml"' in html
    assert 'href="/recalls/feed.atom"' in html
