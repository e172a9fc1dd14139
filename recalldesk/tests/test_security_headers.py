"""Every page and API answer carries the security headers; `make run` still works over HTTP."""

import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from recalldesk.security import SecurityHeadersMiddleware


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/recalls/", "/api/docs", "/api/openapi.json", "/admin/login/"]
)
def test_pages_and_api_send_security_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/docs"])
def test_pages_load_scripts_and_styles_only_from_this_site(client, path):
    page = client.get(path).content.decode()

    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources, "the page loads no script or stylesheet at all"
    assert [source for source in sources if re.match(r"(https?:)?//", source)] == []
    # Inline code would be blocked by script-src 'self'; JSON data blocks are not code.
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert all('type="application/json"' in attributes for attributes in inline_scripts)
    assert "<style" not in page


@pytest.mark.django_db
def test_development_server_answers_plain_http_without_hsts(client, settings):
    assert settings.PRODUCTION is False

    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["csrftoken"]["secure"]


def test_a_view_that_sets_its_own_policy_keeps_it():
    own_policy = "default-src 'self'; img-src 'self' https://images.example.org"
    middleware = SecurityHeadersMiddleware(
        lambda request: HttpResponse(headers={"Content-Security-Policy": own_policy})
    )

    response = middleware(RequestFactory().get("/"))

    assert response["Content-Security-Policy"] == own_policy
    assert "Permissions-Policy" in response
