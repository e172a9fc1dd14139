"""GET /api/lookup answered in front of Django, for throughput: the same answer without the
middleware stack, URL resolving and django-ninja's per-request work, which cost several times
the lookup itself (docs/performance.md, "Lookup").

It answers only a request that Django's middleware would pass through untouched, and sends the
headers that middleware adds. Every other request goes to Django as it came: another path or
method, a host outside ALLOWED_HOSTS, one to redirect to HTTPS, one with a cookie (the session
and CSRF middleware may answer a cookie with Set-Cookie), a query string Django refuses, any
error (Django answers it and logs it). The django-ninja operation in api.py stays: it documents
the route in the OpenAPI schema and answers what this path passes on. Both take the answer from
present.lookup_answer; tests compare the two byte for byte.
"""

from collections.abc import Callable, Iterable
from http import HTTPStatus
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.db import close_old_connections
from django.urls import set_script_prefix

from recalldesk.identify.present import JSON_CONTENT_TYPE, lookup_answer
from recalldesk.identify.selectors import lookup_index_current
from recalldesk.security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

PATH = "/api/lookup"

# The middleware whose effect on this route is written out in _security_headers. With any other
# list this path steps aside, since a middleware it does not know may add a header or refuse a
# request; a test fails first.
KNOWN_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "recalldesk.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)

# What decides, with the settings, whether Django takes a request as HTTPS and accepts its host.
ORIGIN_KEYS = (
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
)
ORIGINS_HELD = 64

WSGIApplication = Callable[[dict, Callable], Iterable[bytes]]


def _security_headers(*, secure: bool) -> list[tuple[str, str]]:
    """What the middleware adds to a JSON answer of this route."""
    headers = [("X-Frame-Options", settings.X_FRAME_OPTIONS)]  # XFrameOptionsMiddleware
    # SecurityHeadersMiddleware
    headers += [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    # SecurityMiddleware
    if settings.SECURE_HSTS_SECONDS and secure:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    policy = settings.SECURE_REFERRER_POLICY
    if policy:
        values = [v.strip() for v in policy.split(",")] if isinstance(policy, str) else policy
        headers.append(("Referrer-Policy", ",".join(values)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers


class LookupFastPath:
    """A WSGI application: GET /api/lookup answered here when it can be, the rest by Django."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application
        # Read once, as the middleware reads its settings once.
        self.enabled = (
            tuple(settings.MIDDLEWARE) == KNOWN_MIDDLEWARE
            and not settings.DISALLOWED_USER_AGENTS  # CommonMiddleware would check the agent
            and not settings.PREPEND_WWW  # and might redirect
        )
        self.redirect_to_https = settings.SECURE_SSL_REDIRECT
        proxy_header = settings.SECURE_PROXY_SSL_HEADER
        self.origin_keys = ORIGIN_KEYS + ((proxy_header[0],) if proxy_header else ())
        # Whether the request is secure, by origin (ORIGIN_KEYS' values), for the origins Django
        # accepted: asking Django (WSGIRequest) every time cost a tenth of the request.
        self.origins: dict[tuple, bool] = {}
        self.charset = settings.DEFAULT_CHARSET
        self.max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        self.headers = {secure: _security_headers(secure=secure) for secure in (False, True)}
        self.status_lines = {code: f"{code} {HTTPStatus(code).phrase}" for code in (200, 400)}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") == PATH
            and environ.get("REQUEST_METHOD") == "GET"
            and "HTTP_COOKIE" not in environ
            and self.enabled
        ):
            answer = self._answer(environ)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return self.application(environ, start_response)

    def _answer(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """Status line, headers and body; None when Django should answer instead."""
        # As Django's WSGIHandler: the script prefix, for reverse().
        set_script_prefix(get_script_name(environ))
        try:
            secure = self._secure(environ)
            if self.redirect_to_https and not secure:
                return None  # SecurityMiddleware redirects it
            params = self._query(environ)
            status, body = lookup_answer(
                lookup_index_current(),
                model=params.get("model", ""),
                serial=params.get("serial", ""),
                upc=params.get("upc", ""),
                q=params.get("q", ""),
            )
        except Exception:
            # Django answers it as it answers any request: 400 for a host outside ALLOWED_HOSTS
            # or too many parameters, 500 and a log line for a bug.
            return None
        finally:
            # What Django does when a request ends (request_finished), for the connection that
            # the index's check opens every few seconds: close it past CONN_MAX_AGE or broken.
            # Called, not sent: the signals' other receivers do nothing here (DEBUG's query
            # log, the caches' close, a request's urlconf), and sending request_started and
            # request_finished cost 27 µs against 3. Not at the start too: nothing happens
            # between one request's end and the next one's start.
            close_old_connections()
        headers = [
            ("Content-Type", JSON_CONTENT_TYPE),
            ("Content-Length", str(len(body))),
            *self.headers[secure],
        ]
        return self.status_lines[status], headers, body

    def _secure(self, environ: dict) -> bool:
        """Whether Django takes the request as HTTPS; DisallowedHost when it refuses the host."""
        origin = tuple(environ.get(key) for key in self.origin_keys)
        secure = self.origins.get(origin)
        if secure is None:
            # A copy: WSGIRequest rewrites PATH_INFO and SCRIPT_NAME of the environ it is given.
            request = WSGIRequest(dict(environ))
            secure = request.is_secure()
            request.get_host()
            if len(self.origins) < ORIGINS_HELD:
                self.origins[origin] = secure
        return secure

    def _query(self, environ: dict) -> dict[str, str]:
        """The query string as request.GET reads it; a repeated parameter's last value wins, as
        django-ninja takes it. ValueError past DATA_UPLOAD_MAX_NUMBER_FIELDS."""
        raw = environ.get("QUERY_STRING", "").encode("iso-8859-1")
        try:
            text = raw.decode(self.charset)
        except UnicodeDecodeError:
            text = raw.decode("iso-8859-1")
        return dict(
            parse_qsl(
                text, keep_blank_values=True, encoding=self.charset, max_num_fields=self.max_fields
            )
        )
