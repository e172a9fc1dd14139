"""E-mail: rendered at once, in the caller's language and time zone; sent now or by a task."""

import logging
import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string

logger = logging.getLogger(__name__)


class EmailAddressInvalid(ValidationError):
    """An e-mail cannot go out because an address is missing or malformed."""


class RenderedEmail(TypedDict):
    # Plain strings only: this is what the task queue stores and what a consumer of a later
    # release must still read.
    to: list[str]
    from_email: str
    subject: str
    text: str
    html: str


def _recipients(to: str | Sequence[str]) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    addresses = [address.strip() for address in addresses if address and address.strip()]
    if not addresses:
        raise EmailAddressInvalid("An e-mail needs at least one recipient address.")
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise EmailAddressInvalid(
                f"{address!r} is not an e-mail address; check it for typos."
            ) from None
    return addresses


def _render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    # Subjects and text bodies are not HTML: "O'Brien & Sons" must not become "O&#x27;Brien &amp;".
    template = get_template(template_name).template
    return template.render(Context(dict(context), autoescape=False))


def email_render(
    *,
    to: str | Sequence[str],
    subject_template: str,
    text_template: str,
    html_template: str,
    context: Mapping[str, Any],
) -> RenderedEmail:
    """Render an e-mail's subject, text and HTML from templates, checking the addresses."""
    recipients = _recipients(to)
    full_context = {"site_name": "Recall Desk", "site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain(subject_template, full_context).split())
    text = re.sub(r"\n{3,}", "\n\n", _render_plain(text_template, full_context).strip()) + "\n"
    html = render_to_string(html_template, full_context)
    return {
        "to": recipients,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "subject": subject,
        "text": text,
        "html": html,
    }


def email_deliver(*, message: RenderedEmail) -> None:
    """Hand a rendered e-mail to the configured backend; raises if the mail server refuses it."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=message["from_email"],
        to=message["to"],
    )
    email.attach_alternative(message["html"], "text/html")
    email.send(fail_silently=False)


def email_send(
    *,
    to: str | Sequence[str],
    subject_template: str,
    text_template: str,
    html_template: str,
    context: Mapping[str, Any],
) -> None:
    """Render and send an e-mail now, in this process, with a text and an HTML part."""
    email_deliver(
        message=email_render(
            to=to,
            subject_template=subject_template,
            text_template=text_template,
            html_template=html_template,
            context=context,
        )
    )


def _enqueue(message: RenderedEmail) -> None:
    from recalldesk.notify.tasks import email_deliver_task  # tasks import this module

    email_deliver_task(message)


def email_enqueue(
    *,
    to: str | Sequence[str],
    subject_template: str,
    text_template: str,
    html_template: str,
    context: Mapping[str, Any],
    using: str | None = None,
) -> None:
    """Render an e-mail now; a background task sends it once the current transaction commits."""
    message = email_render(
        to=to,
        subject_template=subject_template,
        text_template=text_template,
        html_template=html_template,
        context=context,
    )
    # robust: the rows are committed by now, so a queue that is down must not turn the request
    # into an error page; it is logged instead.
    transaction.on_commit(partial(_enqueue, message), using=using, robust=True)
