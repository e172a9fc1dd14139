"""The evidence view: a claim's files shown to its firm's staff and to regulators, 404 to others."""

import pytest
from django.urls import reverse

from recalldesk.accounts.models import Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.evidence import evidence_store, evidence_validate
from recalldesk.claims.tests.evidence_helpers import (
    claim_for,
    gps_exif,
    image_bytes,
    pdf_bytes,
    program_for,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT


@pytest.fixture
def belkin():
    return factories.belkin()


@pytest.fixture
def anker():
    return factories.anker()


@pytest.fixture
def alice(belkin):
    return belkin.memberships.get(user__email="alice@belkin.example").user


@pytest.fixture
def claim(belkin):
    return claim_for(program_for(belkin))


@pytest.fixture
def photo(claim):
    validated = evidence_validate(upload=upload(image_bytes("JPEG", exif=gps_exif())), kind="photo")
    return evidence_store(claim=claim, validated=validated, kind="photo", label="Back")


@pytest.fixture
def receipt(claim):
    validated = evidence_validate(upload=upload(pdf_bytes()), kind="receipt")
    return evidence_store(claim=claim, validated=validated, kind="receipt", label="")


def url(evidence) -> str:
    return reverse("claims_evidence:file", args=[evidence.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_alice_sees_her_firms_photo_without_its_location(client, alice, photo, evidence_root):
    client.force_login(alice)

    response = client.get(url(photo))

    assert response.status_code == 200
    content = body(response)
    assert content == (evidence_root / photo.stored_name).read_bytes()
    assert b"Recall Desk test camera" not in content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        f'inline; filename="claim-{photo.claim.number}-photo-{photo.pk}.jpg"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert url(photo) == f"/firm/evidence/{photo.pk}/"


def test_pdf_is_served_sandboxed(client, alice, receipt):
    client.force_login(alice)

    response = client.get(url(receipt))

    assert response.status_code == 200
    assert body(response) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].endswith(f'-receipt-{receipt.pk}.pdf"')


def test_a_viewer_of_the_firm_may_read_it(client, belkin, photo):
    carol = factories.member(belkin, name="carol", domain="belkin.example", role=Role.VIEWER)
    client.force_login(carol)
    assert client.get(url(photo)).status_code == 200


def test_a_regulator_may_read_it(client, photo):
    client.force_login(factories.regulator())
    assert client.get(url(photo)).status_code == 200


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN])
def test_another_firms_staff_get_404(client, anker, photo, role):
    bob = factories.member(anker, name="bob", domain="anker.example", role=role)
    client.force_login(bob)

    response = client.get(url(photo))

    assert response.status_code == 404
    assert b"Recall Desk test camera" not in response.content


def test_evidence_of_an_anker_claim_is_hidden_from_alice(client, alice, anker):
    anker_claim = claim_for(program_for(anker, recall_number="25-338"))
    validated = evidence_validate(upload=upload(image_bytes("PNG")), kind="photo")
    anker_photo = evidence_store(claim=anker_claim, validated=validated, kind="photo", label="")
    client.force_login(alice)

    assert client.get(url(anker_photo)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, photo):
    response = client.get(url(photo))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_of_no_firm_gets_404(client, photo):
    client.force_login(factories.staff_user("eve", "example.org"))
    assert client.get(url(photo)).status_code == 404


def test_unknown_evidence_gets_the_same_404(client, alice, photo):
    client.force_login(alice)
    assert client.get(reverse("claims_evidence:file", args=[photo.pk + 1000])).status_code == 404


def test_a_file_gone_from_the_disk_is_404_not_500(client, alice, photo, evidence_root):
    (evidence_root / photo.stored_name).unlink()
    client.force_login(alice)
    assert client.get(url(photo)).status_code == 404


def test_only_reading_is_allowed(client, alice, photo):
    client.force_login(alice)
    assert client.post(url(photo)).status_code == 405
    assert client.head(url(photo)).status_code == 200
