"""An operator sees firms' API tokens in the Django admin and revokes a leaked one."""

import pytest
from django.contrib.auth import get_user_model

from recalldesk.accounts.models import ApiToken
from recalldesk.accounts.tokens import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/apitoken/"


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser(
        username="olga", email="olga@recalldesk.example", password="operator-password"
    )


def test_an_operator_lists_tokens_without_ever_seeing_them(client, operator, alice, belkin):
    token, plain = api_token_create(actor=alice, firm_account=belkin, name="Claims system")
    client.force_login(operator)

    page = client.get(CHANGELIST).content.decode()

    assert "Claims system" in page
    assert token.prefix in page
    assert plain not in page
    assert client.get(CHANGELIST + "add/").status_code == 403


def test_an_operator_revokes_a_leaked_token(client, operator, alice, belkin):
    token, plain = api_token_create(actor=alice, firm_account=belkin, name="Claims system")
    client.force_login(operator)

    response = client.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )

    assert "Revoked 1 token(s)." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(plain=plain) is None
    assert ApiToken.objects.filter(pk=token.pk).exists()
