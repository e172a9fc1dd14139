"""A firm's API tokens: created and revoked by its admins, kept only as a sha256 hash.

The plain token is returned once, by api_token_create; afterwards nobody can read it again, so
a leaked database opens no API. Each token acts through its own service user (a reviewer of
the firm named "API token <name>"), so the claim history says which system decided.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from recalldesk.accounts.errors import FirmNotFound, InvalidInput
from recalldesk.accounts.models import ApiToken, FirmAccount, Membership, Role
from recalldesk.accounts.selectors import AnyUser, scope_to_user
from recalldesk.accounts.services import require_role

User = get_user_model()

TOKEN_PREFIX = "rdk_"  # noqa: S105 -- a marker that makes leaked tokens easy to scan for
# Longer than any token we make; anything longer is refused before hashing.
TOKEN_MAX_LENGTH = 100
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
# last_used_at is for "is this token still used?": a write per minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)
SERVICE_LABEL = "API token"


def api_token_hash(plain: str) -> str:
    """The sha256 hex digest under which a token is stored."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def api_token_create(
    *, actor: AbstractBaseUser, firm_account: FirmAccount, name: str
) -> tuple[ApiToken, str]:
    """Create a token for the firm; returns it with the plain token, which is never shown again."""
    require_role(user=actor, firm_account=firm_account, action="token.manage")
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Give the token a name that says what uses it, e.g. 'Payments system'.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"Keep the token's name within {NAME_MAX_LENGTH} characters.")
    if firm_account.api_tokens.filter(name__iexact=name, revoked_at__isnull=True).exists():
        raise InvalidInput(f"{firm_account.name} already has a token named {name!r}; pick another.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        service_user = User.objects.create_user(
            username=f"api-token-{uuid.uuid4().hex}",
            password=None,
            first_name=SERVICE_LABEL,
            last_name=name[:150],
        )
        Membership.objects.create(
            user=service_user, firm_account=firm_account, role=Role.REVIEWER, added_by=actor
        )
        token = ApiToken.objects.create(
            firm_account=firm_account,
            name=name,
            token_hash=api_token_hash(plain),
            prefix=plain[: len(TOKEN_PREFIX) + 4],
            service_user=service_user,
            created_by=actor,
        )
    return token, plain


def api_token_revoke(*, actor: AbstractBaseUser, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoking a revoked token changes nothing."""
    require_role(user=actor, firm_account=token.firm_account, action="token.manage")
    return _token_revoke(token)


def api_token_revoke_as_operator(*, token: ApiToken) -> ApiToken:
    """Revoke a token from the operators' admin, where no firm role is asked for."""
    return _token_revoke(token)


def _token_revoke(token: ApiToken) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            # Also stops any decision already in flight from passing require_role.
            User.objects.filter(pk=token.service_user_id).update(is_active=False)
    return token


def api_token_authenticate(*, plain: str) -> ApiToken | None:
    """The live token this plain token is, with its firm, recording its use; else None."""
    if not plain or len(plain) > TOKEN_MAX_LENGTH or not plain.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("firm_account", "service_user")
        .filter(token_hash=api_token_hash(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.service_user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_tokens_for_firm(*, user: AnyUser | None, firm_account: FirmAccount) -> QuerySet[ApiToken]:
    """The firm's tokens, newest first, for a user allowed to manage them; else none."""
    tokens = ApiToken.objects.filter(firm_account=firm_account).select_related("created_by")
    return scope_to_user(user=user, queryset=tokens, action="token.manage")


def api_token_get_for_user(
    *, user: AnyUser | None, firm_account: FirmAccount, token_id: int
) -> ApiToken:
    """One of the firm's tokens for a user allowed to manage them; FirmNotFound otherwise."""
    token = api_tokens_for_firm(user=user, firm_account=firm_account).filter(pk=token_id).first()
    if token is None:
        raise FirmNotFound(f"{firm_account} has no such API token.")
    return token
