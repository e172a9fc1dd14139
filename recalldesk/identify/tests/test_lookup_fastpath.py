"""GET /api/lookup answered in front of Django (identify/fastpath.py) is Django's answer: the
same status, headers and bytes for every input, and anything else is left to Django."""

import io
from urllib.parse import quote, urlencode

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from recalldesk.identify import fastpath, present
from recalldesk.identify.fastpath import LookupFastPath
from recalldesk.identify.models import Identifier
from recalldesk.identify.selectors import lookup_index_forget
from recalldesk.identify.tests.lookup_rows import BELKIN

pytestmark = pytest.mark.django_db

# Issue 3's acceptance list (test_lookup_acceptance.py) and the inputs a person gets wrong.
ACCEPTANCE = [
    {"model": "MMA008", "serial": "57X12345678901"},
    {"model": "MMA008", "serial": "58A12345678901"},
    {"model": "mma-008", "serial": "57X12345678901"},
    {"model": "mma-008"},
    {"model": "MMAO08"},
    {"model": "PB0003", "serial": "ZZZ-999"},
    {"model": "BPB002"},
    {"model": "BPB002BTBK"},
    {"model": "art"},
    {"q": "smart"},
    {"q": "belkin charging stand"},
    {"q": "belkin power bank"},
    {"model": "QQ-99999-ZZ"},
    {"upc": "012345678905"},
]
WRONG = [
    {},
    {"model": "   "},
    {"serial": "57X12345678901"},
    {"upc": "012345678906"},  # wrong check digit
    {"upc": "12ab"},
    {"upc": "0123"},
    {"model": "M" * 101},
    {"q": "w " * 200},
    {"model": "M" * 100_000},  # huge
    {"q": "x" * 20_000, "upc": "9" * 5_000},
]
UNICODE = [
    {"model": "ＭＭＡ００８"},  # full-width
    {"q": "café crème brûlée"},
    {"q": "power bank 🔋"},
    {"model": "MMA008\x00"},
    {"q": "\u202eknab rewop"},
    {"model": "mma‐008"},  # a Unicode hyphen
]
RAW_QUERIES = [
    "model=MMA008&model=BPB002",  # the last one counts, as django-ninja reads it
    "model=MMA008&unknown=1",
    "model",
    "=MMA008",
    "&&&q=belkin&&",
    "model=%ZZ%",
    "model=%FF%FE",  # not UTF-8
    "q=caf\xe9",  # a raw non-ASCII byte, as gunicorn passes it (ISO-8859-1)
    "q=belkin+power%20bank",
    "model=MMA008;serial=57X12345678901",
]


def _environ(query: str = "", *, method: str = "GET", path: str = "/api/lookup", **extra) -> dict:
    """A request as gunicorn hands it to the application."""
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_USER_AGENT": "curl/8.5.0",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **extra,
    }


def _call(application, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    answered: dict = {}

    def start_response(status, headers, exc_info=None):
        answered.update(status=status, headers=headers)

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answered["status"], sorted(answered["headers"]), body


class Django:
    """Django's WSGI application, counting the requests the fast path passes to it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def paths(monkeypatch):
    """(fast path, Django) over the extracted real data, built with the test's settings.

    As Django's test client does, connections are not closed between requests: the test's
    transaction holds them.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    monkeypatch.setattr(fastpath, "close_old_connections", lambda: None)
    lookup_index_forget()
    if not Identifier.objects.filter(recall__number=BELKIN).exists():
        from recalldesk.identify.services import identifiers_extract_all

        identifiers_extract_all()

    def build():
        django = Django()
        return LookupFastPath(django), django

    yield build
    lookup_index_forget()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _both(build, query: str = "", **environ) -> tuple[tuple, tuple, int]:
    """The fast path's answer, Django's, and how many requests the fast path passed on."""
    fast, django = build()
    answered_fast = _call(fast, _environ(query, **environ))
    passed_on = django.calls
    answered_django = _call(django.handler, _environ(query, **environ))
    return answered_fast, answered_django, passed_on


@pytest.mark.parametrize("params", ACCEPTANCE + WRONG + UNICODE)
def test_the_same_answer_as_django(paths, params):
    fast, django, passed_on = _both(paths, urlencode(params))
    assert passed_on == 0  # answered by the fast path itself
    assert fast == django
    assert fast[0] in ("200 OK", "400 Bad Request")


def test_the_answers_are_the_documented_ones(paths):
    recalled = urlencode({"model": "MMA008", "serial": "57X12345678901"})
    (status, _, body), _, _ = _both(paths, recalled)
    assert status == "200 OK"
    assert b'"best":"RECALLED"' in body and BELKIN.encode() in body
    (status, _, body), _, _ = _both(paths, urlencode({"upc": "012345678906"}))
    assert status == "400 Bad Request"
    assert body == (
        b'{"detail":"The UPC 012345678906 has a wrong check digit; '
        b'check the 12 digits under the barcode."}'
    )


@pytest.mark.parametrize("query", RAW_QUERIES)
def test_the_same_answer_for_odd_query_strings(paths, query):
    fast, django, passed_on = _both(paths, query)
    assert passed_on == 0
    assert fast == django


def test_the_security_headers_are_the_sites(paths):
    (_, headers, _), (_, django_headers, _), _ = _both(paths, "model=MMA008")
    names = {name for name, _ in headers}
    assert names == {name for name, _ in django_headers}
    assert {
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
    } <= names
    assert "Strict-Transport-Security" not in names  # plain HTTP, as make run serves


def test_in_production_hsts_and_the_redirect_to_https(paths, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    fast, django, passed_on = _both(paths, "model=MMA008", HTTP_X_FORWARDED_PROTO="https")
    assert passed_on == 0
    assert fast == django
    assert (
        "Strict-Transport-Security",
        "max-age=31536000; includeSubDomains; preload",
    ) in fast[1]

    for environ in ({}, {"HTTP_X_FORWARDED_PROTO": "http"}):
        fast, django, passed_on = _both(paths, "model=MMA008", **environ)
        assert passed_on == 1  # Django redirects it
        assert fast == django
        assert fast[0] == "301 Moved Permanently"


@pytest.mark.parametrize(
    "request_",
    [
        {"method": "HEAD"},
        {"method": "POST"},
        {"method": "OPTIONS"},
        {"path": "/api/lookup/"},
        {"path": "/api/recalls/26-090"},
        {"path": "/check/"},
        {"HTTP_COOKIE": "sessionid=abc"},  # too short: the session middleware deletes it
        {"HTTP_COOKIE": "csrftoken=bad"},  # the CSRF middleware answers with a new one
        {"HTTP_HOST": "evil.example"},  # outside ALLOWED_HOSTS: Django's 400
    ],
)
def test_everything_else_goes_to_django(paths, request_):
    fast, django, passed_on = _both(paths, "model=MMA008", **request_)
    assert passed_on == 1
    assert _without_new_tokens(fast) == _without_new_tokens(django)


def _without_new_tokens(answer: tuple) -> tuple:
    """A new CSRF cookie differs from request to request: keep its name only."""
    status, headers, body = answer
    kept = [(n, v.split("=")[0] if n == "Set-Cookie" else v) for n, v in headers]
    return status, kept, body


def test_a_cookie_is_answered_by_django_with_its_set_cookie(paths):
    fast, _, passed_on = _both(paths, "model=MMA008", HTTP_COOKIE="csrftoken=bad")
    assert passed_on == 1
    assert any(name == "Set-Cookie" for name, _ in fast[1])


def test_too_many_parameters_are_djangos_400(paths, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fast, django, passed_on = _both(paths, "&".join(f"p{i}=1" for i in range(11)))
    assert passed_on == 1
    assert fast == django
    assert fast[0] == "400 Bad Request"


def test_an_error_is_djangos_500(paths, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(present, "lookup", broken)
    fast, django, passed_on = _both(paths, "model=MMA008")
    assert passed_on == 1
    assert fast == django
    assert fast[0] == "500 Internal Server Error"


def test_another_middleware_list_turns_the_fast_path_off(paths, settings):
    fast, _ = paths()
    assert fast.enabled  # the project's middleware: if this fails, review fastpath.py first
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    fast, django = paths()
    assert not fast.enabled
    _call(fast, _environ("model=MMA008"))
    assert django.calls == 1


def test_the_database_connections_are_tidied_after_each_answer(paths, monkeypatch):
    tidied = []
    monkeypatch.setattr(fastpath, "close_old_connections", lambda: tidied.append(1))
    fast, django = paths()
    for query in ("model=MMA008", "upc=12ab", "q=belkin"):
        _call(fast, _environ(query))
    assert (len(tidied), django.calls) == (3, 0)


def test_gunicorn_serves_the_fast_path_in_front_of_django():
    from recalldesk import wsgi

    assert isinstance(wsgi.application, LookupFastPath)
    assert wsgi.application.application is wsgi.django_application


# Anything a URL can carry: every character but lone surrogates.
typed = st.text(st.characters(blacklist_categories=("Cs",)), max_size=150)
names = st.sampled_from(["model", "serial", "upc", "q", "other"])
known = st.sampled_from(["MMA008", "57X12345678901", "012345678905", "belkin"])
pairs = st.lists(st.tuples(names, st.one_of(typed, known)), max_size=6)
raw = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=pairs, junk=raw)
def test_any_query_string_gets_djangos_answer(paths, pairs, junk):
    for query in (urlencode(pairs), "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs), junk):
        fast, django, passed_on = _both(paths, query)
        assert passed_on == 0
        assert fast == django
