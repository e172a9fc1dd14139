"""Where e-mail goes is read from EMAIL_URL or EMAIL_HOST & co.; bad values get a clear error."""

import re
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recalldesk.notify.config import (
    CONSOLE_BACKEND,
    SMTP_BACKEND,
    EmailConfigurationError,
    EmailServer,
    email_server_from_environment,
    email_server_from_url,
)


def test_nothing_configured_prints_email_on_the_console():
    assert email_server_from_environment({}) == EmailServer(backend=CONSOLE_BACKEND)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://recalls%40belkin.example:p%40ss%3Aword@mail.example.org:2587",
            EmailServer(
                backend=SMTP_BACKEND,
                host="mail.example.org",
                port=2587,
                user="recalls@belkin.example",
                password="p@ss:word",
                use_tls=True,
            ),
        ),
        (
            "smtps://mail.example.org",
            EmailServer(SMTP_BACKEND, "mail.example.org", 465, use_ssl=True),
        ),
        ("smtp://127.0.0.1:1025", EmailServer(SMTP_BACKEND, "127.0.0.1", 1025)),
        (
            "submission://mail.example.org",
            EmailServer(SMTP_BACKEND, "mail.example.org", 587, use_tls=True),
        ),
        ("console://", EmailServer(CONSOLE_BACKEND)),
    ],
)
def test_email_url_names_server_credentials_and_encryption(url, expected):
    assert email_server_from_environment({"EMAIL_URL": url, "EMAIL_HOST": "ignored"}) == expected


def test_email_host_and_companions_are_used_without_email_url():
    server = email_server_from_environment(
        {"EMAIL_HOST": "mail.example.org", "EMAIL_USE_SSL": "1", "EMAIL_HOST_USER": "recalls"}
    )

    assert server == EmailServer(
        SMTP_BACKEND, "mail.example.org", 465, user="recalls", use_ssl=True
    )


@pytest.mark.parametrize(
    ("environment", "hint"),
    [
        ({"EMAIL_URL": "http://mail.example.org"}, "smtp+tls://"),
        ({"EMAIL_URL": "mail.example.org:25"}, "use one of"),
        ({"EMAIL_URL": "smtp://"}, "names no mail server"),
        ({"EMAIL_URL": "smtp://mail.example.org:twenty"}, "port"),
        ({"EMAIL_HOST": "mail.example.org", "EMAIL_PORT": "25x"}, "EMAIL_PORT must be a number"),
        (
            {"EMAIL_HOST": "mail.example.org", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
            "set only one",
        ),
    ],
)
def test_unusable_settings_are_refused_with_what_to_write(environment, hint):
    with pytest.raises(EmailConfigurationError, match=re.escape(hint)):
        email_server_from_environment(environment)


@given(st.text())
def test_any_email_url_gives_a_server_or_a_clear_error(url):
    try:
        server = email_server_from_url(url)
    except EmailConfigurationError as error:
        assert "EMAIL_URL" in str(error)
    else:
        assert server.backend in {SMTP_BACKEND, CONSOLE_BACKEND}
        assert 0 <= server.port <= 65535


@given(
    scheme=st.sampled_from(["smtp", "smtp+tls", "smtps", "SMTP", "submission"]),
    host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){0,2}", fullmatch=True),
    port=st.integers(1, 65535),
    user=st.text(max_size=20),
    password=st.text(max_size=20),
)
def test_quoted_credentials_come_back_unchanged(scheme, host, port, user, password):
    url = f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{host}:{port}"

    server = email_server_from_url(url)

    assert (server.host, server.port, server.user, server.password) == (host, port, user, password)
