"""Password reset by e-mail: the link arrives, works once, and the new password logs in."""

import re

import pytest
from django.urls import reverse

from recalldesk.accounts import services
from recalldesk.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "serial numbers start 35S"


def _link_in(message) -> str:
    match = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def _ask_for_reset(client, email: str):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_alice_gets_a_reset_email_with_a_link(client, alice, mailoutbox):
    response = _ask_for_reset(client, "ALICE@belkin.example")
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["alice@belkin.example"]
    assert message.subject == "Reset your Recall Desk password"
    assert "/accounts/reset/" in message.body


def test_the_link_sets_a_new_password_that_logs_in(client, alice, mailoutbox):
    _ask_for_reset(client, "alice@belkin.example")
    form_page = client.get(_link_in(mailoutbox[0]), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    # Django swaps the token for a session key, so the form's address differs from the link.
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.url == reverse("accounts:password_reset_complete")

    client.logout()
    assert not client.login(username="alice@belkin.example", password=PASSWORD)
    assert client.login(username="alice@belkin.example", password=NEW_PASSWORD)


def test_the_link_works_only_once(client, alice, mailoutbox):
    _ask_for_reset(client, "alice@belkin.example")
    link = _link_in(mailoutbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_weak_password_is_refused_with_the_reason(client, alice, mailoutbox):
    _ask_for_reset(client, "alice@belkin.example")
    set_password_url = client.get(_link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": "belkin", "new_password2": "belkin"})
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert client.login(username="alice@belkin.example", password=PASSWORD)


def test_an_unknown_address_gets_the_same_page_and_no_email(client, alice, mailoutbox):
    response = _ask_for_reset(client, "mallory@belkin.example")
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_a_deactivated_user_gets_no_email(client, alice, mailoutbox):
    alice.is_active = False
    alice.save()
    _ask_for_reset(client, "alice@belkin.example")
    assert mailoutbox == []


def test_staff_who_never_set_a_password_can_still_ask_for_a_link(
    client, alice, belkin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_invite(
            actor=alice,
            firm_account=belkin,
            email="erin@belkin.example",
            role="reviewer",
            base_url="http://testserver",
        )
    mailoutbox.clear()  # the invitation was lost
    _ask_for_reset(client, "erin@belkin.example")
    assert [message.to for message in mailoutbox] == [["erin@belkin.example"]]
