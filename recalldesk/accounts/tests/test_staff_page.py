"""The "Your firm" staff page: alice manages Belkin's staff; no one else touches them."""

import re

import pytest
from django.urls import reverse

from recalldesk.accounts import services
from recalldesk.accounts.models import Membership, Role
from recalldesk.accounts.tests.factories import staff_user

pytestmark = pytest.mark.django_db


def staff_url(slug="belkin"):
    return reverse("accounts:firm_staff", args=[slug])


def add_url(slug="belkin"):
    return reverse("accounts:staff_add", args=[slug])


def role_url(membership, slug="belkin"):
    return reverse("accounts:membership_role_change", args=[slug, membership.pk])


def remove_url(membership, slug="belkin"):
    return reverse("accounts:membership_remove", args=[slug, membership.pk])


def membership_of(user, firm_account):
    return Membership.objects.get(user=user, firm_account=firm_account)


def test_alice_sees_her_staff_with_their_roles_and_can_manage(client, alice, carol):
    client.force_login(alice)
    page = client.get(staff_url()).content.decode()
    assert "Belkin: staff" in page
    assert "Name in published recalls: Belkin International Inc." in page
    assert "alice@belkin.example" in page and "carol@belkin.example" in page
    assert "<td>Viewer</td>" in page and "<td>Admin</td>" in page
    assert "Add a person" in page
    assert "Change role" in page


def test_alice_adds_erin_who_gets_a_link_to_set_her_password(
    client, alice, belkin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(), {"email": "Erin@Belkin.example", "role": "reviewer"})
    assert response.url == staff_url()
    erin = membership_of(belkin.members.get(email="erin@belkin.example"), belkin)
    assert erin.role == Role.REVIEWER
    assert erin.added_by == alice
    assert not erin.user.has_usable_password()

    [message] = mailoutbox
    assert message.to == ["erin@belkin.example"]
    assert message.subject == "You were added to Belkin on Recall Desk"
    assert "Alice added you to Belkin on Recall Desk as reviewer." in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    client.logout()
    form_page = client.get(link, follow=True)
    password = "a reviewer of 26-090 claims"
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert client.login(username="erin@belkin.example", password=password)
    assert "Your role: reviewer" in client.get(staff_url()).content.decode()


def test_a_user_of_another_firm_is_added_without_a_password_link(
    client, alice, belkin, bob, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add_url(), {"email": "bob@anker.example", "role": "viewer"})
    assert membership_of(bob, belkin).role == Role.VIEWER
    assert "/accounts/reset/" not in mailoutbox[0].body
    assert "http://testserver/accounts/login/" in mailoutbox[0].body


def test_adding_someone_twice_is_refused_and_sends_nothing(
    client, alice, carol, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(), {"email": "carol@belkin.example", "role": "admin"})
    assert response.status_code == 400
    assert "carol@belkin.example is already a member of Belkin." in response.content.decode()
    assert mailoutbox == []


def test_a_bad_address_is_refused_on_the_page(client, alice, belkin):
    client.force_login(alice)
    response = client.post(add_url(), {"email": "not an address", "role": "viewer"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert belkin.memberships.count() == 1


def test_alice_changes_carols_role_then_removes_her(client, alice, carol, belkin):
    client.force_login(alice)
    carol_membership = membership_of(carol, belkin)
    response = client.post(role_url(carol_membership), {"role": "coordinator"})
    assert response.url == staff_url()
    assert membership_of(carol, belkin).role == Role.COORDINATOR
    page = client.get(staff_url()).content.decode()
    assert "carol@belkin.example is now coordinator." in page

    client.post(remove_url(carol_membership))
    assert not belkin.memberships.filter(user=carol).exists()
    # Her user stays: she may belong to other firms.
    carol.refresh_from_db()
    assert carol.is_active


def test_the_last_admin_cannot_step_down(client, alice, belkin):
    client.force_login(alice)
    alice_membership = membership_of(alice, belkin)
    response = client.post(role_url(alice_membership), {"role": "viewer"})
    assert response.status_code == 400
    assert "the only admin of Belkin; make someone else admin first" in response.content.decode()
    assert client.post(remove_url(alice_membership)).status_code == 400
    assert membership_of(alice, belkin).role == Role.ADMIN


def test_carol_a_viewer_sees_the_staff_but_cannot_manage_them(client, alice, carol, belkin):
    client.force_login(carol)
    page = client.get(staff_url()).content.decode()
    assert "alice@belkin.example" in page
    assert "Add a person" not in page and "Change role" not in page

    alice_membership = membership_of(alice, belkin)
    assert client.post(add_url(), {"email": "x@belkin.example", "role": "admin"}).status_code == 403
    assert client.post(role_url(alice_membership), {"role": "viewer"}).status_code == 403
    assert client.post(remove_url(alice_membership)).status_code == 403
    assert membership_of(alice, belkin).role == Role.ADMIN
    assert belkin.memberships.count() == 2


def test_bob_of_anker_gets_404_for_every_belkin_staff_page(client, alice, carol, belkin, bob):
    client.force_login(bob)
    carol_membership = membership_of(carol, belkin)
    answers = [
        client.get(staff_url()),
        client.post(add_url(), {"email": "bob@anker.example", "role": "admin"}),
        client.post(role_url(carol_membership), {"role": "admin"}),
        client.post(remove_url(carol_membership)),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert membership_of(carol, belkin).role == Role.VIEWER
    assert not belkin.memberships.filter(user=bob).exists()


def test_bob_cannot_tell_belkin_exists(client, belkin, bob):
    client.force_login(bob)
    real = client.get(staff_url("belkin"))
    made_up = client.get(staff_url("no-such-firm"))
    assert real.status_code == made_up.status_code == 404
    # The log-out form's CSRF token is masked afresh on every page; it says nothing of Belkin.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    real_page = token.sub(b"", real.content).replace(b"belkin", b"")
    made_up_page = token.sub(b"", made_up.content).replace(b"no-such-firm", b"")
    assert real_page == made_up_page


def test_dan_cannot_reach_a_belkin_member_through_his_own_firm(client, carol, belkin, dan):
    # An Anker admin sending a Belkin membership's number under Anker's address.
    client.force_login(dan)
    carol_membership = membership_of(carol, belkin)
    assert client.post(role_url(carol_membership, "anker"), {"role": "admin"}).status_code == 404
    assert client.post(remove_url(carol_membership, "anker")).status_code == 404
    assert membership_of(carol, belkin).role == Role.VIEWER


def test_rita_the_regulator_reads_every_firm_and_changes_nothing(
    client, alice, carol, belkin, anker, bob, rita
):
    client.force_login(rita)
    listing = client.get(reverse("accounts:home")).content.decode()
    assert "Belkin" in listing and "Anker" in listing
    assert "you cannot change them" in listing

    for slug, member in [("belkin", "carol@belkin.example"), ("anker", "bob@anker.example")]:
        page = client.get(staff_url(slug)).content.decode()
        assert member in page
        assert "Regulator's view, read only" in page
        assert "Add a person" not in page

    carol_membership = membership_of(carol, belkin)
    assert client.post(add_url(), {"email": "r@cpsc.example", "role": "admin"}).status_code == 403
    assert client.post(role_url(carol_membership), {"role": "admin"}).status_code == 403
    assert client.post(remove_url(carol_membership)).status_code == 403
    assert membership_of(carol, belkin).role == Role.VIEWER


def test_a_visitor_is_sent_to_log_in(client, belkin):
    assert client.get(staff_url()).url.startswith(reverse("accounts:login"))
    assert client.post(add_url(), {"email": "x@y.example", "role": "admin"}).status_code == 302
    assert belkin.memberships.count() == 1


def test_someone_in_two_firms_chooses_one(client, alice, belkin, anker, dan):
    services.membership_create(actor=dan, firm_account=anker, user=alice, role=Role.VIEWER)
    client.force_login(alice)
    page = client.get(reverse("accounts:home")).content.decode()
    assert staff_url("belkin") in page and staff_url("anker") in page


def test_a_user_without_a_firm_is_told_whom_to_ask(client, db):
    client.force_login(staff_user("frank", "nowhere.example"))
    page = client.get(reverse("accounts:home")).content.decode()
    assert "Ask your firm's admin to add you" in page
