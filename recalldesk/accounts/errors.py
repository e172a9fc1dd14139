"""Errors a person can cause in firm accounts, each with a message they can act on.

Each also derives from the Django exception that already answers with the right status, so a
page or endpoint that forgets to catch one still answers 4xx, never 500.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404


class AccountsError(Exception):
    """Base of every error raised by the accounts services."""


class FirmNotFound(AccountsError, Http404):
    """No such firm for this user: raised alike whether the firm exists or not, so a firm's
    existence is never revealed to another firm's staff."""


class PermissionDenied(AccountsError, DjangoPermissionDenied):
    """The user belongs to the firm (or is a regulator) but their role does not allow this."""


class InvalidInput(AccountsError, ValidationError):
    """Input that cannot be accepted, e.g. an unknown role or the firm's last admin removed."""
