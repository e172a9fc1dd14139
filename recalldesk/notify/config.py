"""Where e-mail goes, read from the environment; imported by settings.py, so no Django here."""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

# scheme -> (use STARTTLS, use implicit TLS, default port)
_SMTP_SCHEMES = {
    "smtp": (False, False, 25),
    "smtp+tls": (True, False, 587),
    "submission": (True, False, 587),
    "smtps": (False, True, 465),
    "smtp+ssl": (False, True, 465),
}


class EmailConfigurationError(ValueError):
    """The e-mail settings in the environment cannot be used as given."""


@dataclass(frozen=True)
class EmailServer:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def email_server_from_url(url: str) -> EmailServer:
    """Parse EMAIL_URL such as smtp+tls://user:password@mail.example.org:587 or console://."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "console":
        return EmailServer(backend=CONSOLE_BACKEND)
    if scheme not in _SMTP_SCHEMES:
        known = ", ".join(sorted([*_SMTP_SCHEMES, "console"]))
        raise EmailConfigurationError(
            f"EMAIL_URL starts with {scheme + '://' if scheme else 'no scheme'}; "
            f"use one of {known}, e.g. smtp+tls://user:password@mail.example.org:587"
        )
    if not parts.hostname:
        raise EmailConfigurationError(
            "EMAIL_URL names no mail server; write it as smtp://host:port"
        )
    use_tls, use_ssl, default_port = _SMTP_SCHEMES[scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise EmailConfigurationError(
            f"EMAIL_URL has a port that is not a number: {error}"
        ) from None
    return EmailServer(
        backend=SMTP_BACKEND,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )


def email_server_from_environment(environ: Mapping[str, str]) -> EmailServer:
    """EMAIL_URL if set, else EMAIL_HOST and its companions, else the console (prints messages)."""
    if environ.get("EMAIL_URL"):
        return email_server_from_url(environ["EMAIL_URL"])
    if not environ.get("EMAIL_HOST"):
        return EmailServer(backend=environ.get("EMAIL_BACKEND") or CONSOLE_BACKEND)
    use_tls = _truthy(environ.get("EMAIL_USE_TLS"))
    use_ssl = _truthy(environ.get("EMAIL_USE_SSL"))
    if use_tls and use_ssl:
        raise EmailConfigurationError(
            "EMAIL_USE_TLS and EMAIL_USE_SSL are both on; set only one "
            "(TLS for STARTTLS on port 587, SSL for port 465)"
        )
    default_port = 465 if use_ssl else 587 if use_tls else 25
    port_text = environ.get("EMAIL_PORT") or str(default_port)
    if not port_text.isdigit():
        raise EmailConfigurationError(f"EMAIL_PORT must be a number, not {port_text!r}")
    return EmailServer(
        backend=environ.get("EMAIL_BACKEND") or SMTP_BACKEND,
        host=environ["EMAIL_HOST"],
        port=int(port_text),
        user=environ.get("EMAIL_HOST_USER", ""),
        password=environ.get("EMAIL_HOST_PASSWORD", ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
    )
