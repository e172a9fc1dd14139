"""Fixtures for the notify tests: e-mail templates like the claims app's, real CPSC recalls."""

import csv
import html
from functools import cache

import pytest
from django.conf import settings
from huey.contrib.djhuey import HUEY

CPSC_CSV = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"

# Shaped like the confirmation e-mail of a claim, extending this app's base templates.
CLAIM_TEMPLATES = {
    "claims_email/received_subject.txt": (
        "Claim {{ claim_number }} received:\n{{ recall.heading }}"
    ),
    "claims_email/received.txt": (
        "{% extends 'notify/email_base.txt' %}{% block content %}"
        "Hello {{ owner_name }},\n\n\n\n"
        "We received your claim {{ claim_number }} for recall {{ recall.number }}:\n"
        "{{ recall.heading }}\n\nMade by {{ recall.manufacturer }}."
        "{% endblock %}"
    ),
    "claims_email/received.html": (
        "{% extends 'notify/email_base.html' %}{% block content %}"
        "<p>Hello {{ owner_name }},</p>"
        "<p>We received your claim <strong>{{ claim_number }}</strong> for recall "
        "{{ recall.number }}:</p><p>{{ recall.heading }}</p>"
        "<p>Made by {{ recall.manufacturer }}.</p>"
        "{% endblock %}"
    ),
}


@cache
def _cpsc_rows() -> dict[str, dict[str, str]]:
    with CPSC_CSV.open(encoding="utf-8-sig", newline="") as source:
        return {row["Recall Number"]: row for row in csv.DictReader(source)}


def cpsc_recall(number: str) -> dict[str, str]:
    """A recall of the bundled CPSC export, as the context an e-mail template receives."""
    row = _cpsc_rows()[number]
    return {
        "number": number,
        "heading": html.unescape(row["Recall Heading"]),
        "manufacturer": html.unescape(row["Manufacturers"] or row["Importers"]),
    }


def claim_email(*, to: str | list[str], recall_number: str, claim_number: str) -> dict:
    """Keyword arguments of email_send / email_enqueue for a claim confirmation."""
    return {
        "to": to,
        "subject_template": "claims_email/received_subject.txt",
        "text_template": "claims_email/received.txt",
        "html_template": "claims_email/received.html",
        "context": {
            "owner_name": "Alice Moreau",
            "claim_number": claim_number,
            "recall": cpsc_recall(recall_number),
        },
    }


@pytest.fixture
def claim_templates(settings):
    """The claim e-mail templates above, found before the apps' own templates."""
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [],
            "APP_DIRS": False,
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.locmem.Loader", CLAIM_TEMPLATES),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]


@pytest.fixture
def task_queue():
    """Huey's in-memory queue and schedule (immediate mode), empty before and after the test."""
    assert HUEY.immediate, "the tests expect HUEY immediate mode (RECALLDESK_TESTING=1)"
    HUEY.storage.flush_all()
    yield HUEY
    HUEY.storage.flush_all()
