"""Staff log in with their e-mail and log out with a POST."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse

from recalldesk.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_alice_logs_in_with_her_email_and_lands_on_her_firm(client, alice):
    response = client.post(
        reverse("accounts:login"), {"username": "Alice@Belkin.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("accounts:firm_staff", args=["belkin"])
    assert "Belkin: staff" in page.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post(
        reverse("accounts:login"), {"username": "alice@belkin.example", "password": "guess"}
    )
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_goes_back_to_the_page_asked_for(client, alice):
    staff_page = reverse("accounts:firm_staff", args=["belkin"])
    asked = client.get(staff_page)
    assert asked.status_code == 302
    assert asked.url == f"{reverse('accounts:login')}?next={staff_page}"
    response = client.post(
        asked.url, {"username": "alice@belkin.example", "password": PASSWORD, "next": staff_page}
    )
    assert response.url == staff_page


def test_login_does_not_send_anyone_to_another_site(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice@belkin.example", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("accounts:home")


def test_logout_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse("registry:home")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:firm_staff", args=["belkin"])).status_code == 302


def _nav(rf, user):
    request = rf.get("/recalls/")
    request.user = user
    return render_to_string("accounts/_nav.html", request=request)


def test_the_nav_offers_log_in_to_a_visitor(rf):
    nav = _nav(rf, AnonymousUser())
    assert "Staff log in" in nav
    assert f"{reverse('accounts:login')}?next=/recalls/" in nav
    assert "Log out" not in nav


def test_the_nav_shows_alice_her_firm_and_log_out(rf, alice):
    nav = _nav(rf, alice)
    assert ">Belkin</a>" in nav
    assert f'method="post" action="{reverse("accounts:logout")}"' in nav
    assert "Staff log in" not in nav


def test_the_nav_shows_a_regulator_her_agency(rf, rita):
    assert "Regulator · CPSC" in _nav(rf, rita)
