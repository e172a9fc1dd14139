"""API tokens: alice, Belkin's admin, creates and revokes them; the token is shown only once."""

import hashlib
import re

import pytest
from django.urls import reverse

from recalldesk.accounts.errors import InvalidInput, PermissionDenied
from recalldesk.accounts.models import ApiToken
from recalldesk.accounts.tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)

pytestmark = pytest.mark.django_db


def tokens_url(slug="belkin"):
    return reverse("accounts:api_tokens", args=[slug])


def create_url(slug="belkin"):
    return reverse("accounts:api_token_create", args=[slug])


def revoke_url(token, slug="belkin"):
    return reverse("accounts:api_token_revoke", args=[slug, token.pk])


def test_alice_creates_a_token_and_sees_it_only_once(client, alice, belkin):
    client.force_login(alice)
    response = client.post(create_url(), {"name": "Claims system"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    plain = re.search(r'value="(rdk_[^"]+)"', page).group(1)
    token = ApiToken.objects.get(firm_account=belkin)
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in token.token_hash and token.prefix == plain[:8]
    assert token.created_by == alice
    assert token.service_user.get_full_name() == "API token Claims system"
    assert not token.service_user.has_usable_password()

    later = client.get(tokens_url()).content.decode()
    assert "Claims system" in later and token.prefix in later
    assert plain not in later
    assert api_token_authenticate(plain=plain) == token


def test_a_token_needs_a_name_not_yet_taken(client, alice, belkin):
    client.force_login(alice)
    empty = client.post(create_url(), {"name": "   "})
    assert empty.status_code == 400
    assert "Give the token a name" in empty.content.decode()
    client.post(create_url(), {"name": "Claims system"})
    again = client.post(create_url(), {"name": "claims  SYSTEM"})
    assert again.status_code == 400
    assert "already has a token named" in again.content.decode()
    assert ApiToken.objects.filter(firm_account=belkin).count() == 1


def test_alice_revokes_a_token_and_it_stops_working(client, alice, belkin):
    token, plain = api_token_create(actor=alice, firm_account=belkin, name="Old system")
    client.force_login(alice)
    response = client.post(revoke_url(token))
    assert response.status_code == 302
    token.refresh_from_db()
    token.service_user.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.service_user.is_active
    assert api_token_authenticate(plain=plain) is None
    assert "Revoked" in client.get(tokens_url()).content.decode()
    # Revoking twice changes nothing.
    revoked_at = token.revoked_at
    assert api_token_revoke(actor=alice, token=token).revoked_at == revoked_at


def test_a_viewer_gets_403_and_another_firm_404(client, alice, belkin, carol, dan, anker):
    token, _ = api_token_create(actor=alice, firm_account=belkin, name="Claims system")
    client.force_login(carol)
    assert client.get(tokens_url()).status_code == 403
    assert client.post(create_url(), {"name": "Mine"}).status_code == 403
    assert client.post(revoke_url(token)).status_code == 403
    client.force_login(dan)
    assert client.get(tokens_url()).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    # dan's own firm's page does not reach Belkin's token either.
    assert client.post(revoke_url(token, slug="anker")).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, belkin):
    response = client.get(tokens_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_services_check_the_role_too(alice, belkin, carol):
    with pytest.raises(PermissionDenied):
        api_token_create(actor=carol, firm_account=belkin, name="Sneaky")
    with pytest.raises(InvalidInput):
        api_token_create(actor=alice, firm_account=belkin, name="x" * 101)
    token, _ = api_token_create(actor=alice, firm_account=belkin, name="Claims system")
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=carol, token=token)


@pytest.mark.parametrize("plain", ["", "rdk_", "Bearer rdk_x", "rdk_" + "a" * 200, "abc"])
def test_nonsense_tokens_authenticate_nobody(plain, alice, belkin):
    api_token_create(actor=alice, firm_account=belkin, name="Claims system")
    assert api_token_authenticate(plain=plain) is None
