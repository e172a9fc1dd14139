"""With RECALLDESK_PRODUCTION=1, `manage.py check --deploy` is clean and HTTPS is enforced."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key


@pytest.fixture
def production_environment(tmp_path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SECURE_", "RECALLDESK_", "DJANGO_")) and name != "DEBUG"
    }
    environment.update(
        DEBUG="0",
        RECALLDESK_PRODUCTION="1",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="recalls.example.org",
        RECALLDESK_VAR_DIR=str(tmp_path),
    )
    return environment


def _manage(environment, *arguments):
    return subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_in_production(production_environment):
    result = _manage(production_environment, "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


def test_deploy_check_warns_without_the_production_switch(production_environment):
    del production_environment["RECALLDESK_PRODUCTION"]

    result = _manage(production_environment, "check", "--deploy")

    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


PRODUCTION_REQUESTS = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="recalls.example.org")
plain = client.get("/admin/login/")
secure = client.get("/admin/login/", secure=True)
print(plain.status_code, plain["Location"])
print(secure.status_code, secure["Strict-Transport-Security"])
print(secure.cookies["csrftoken"]["secure"])
"""


def test_production_redirects_to_https_and_sends_hsts(production_environment):
    # RECALLDESK_TESTING only so that pages render without `collectstatic`'s manifest.
    environment = {
        **production_environment,
        "DJANGO_SETTINGS_MODULE": "recalldesk.settings",
        "RECALLDESK_TESTING": "1",
    }
    result = subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-c", PRODUCTION_REQUESTS],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    redirect, hsts, secure_cookie = result.stdout.splitlines()
    assert redirect == "301 https://recalls.example.org/admin/login/"
    assert hsts == "200 max-age=31536000; includeSubDomains; preload"
    assert secure_cookie == "True"
