"""Writes to firm accounts: one function per use case, each checking who acts."""

from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from recalldesk.accounts.errors import FirmNotFound, InvalidInput, PermissionDenied
from recalldesk.accounts.models import (
    FirmAccount,
    Membership,
    RegulatorAgency,
    RegulatorProfile,
    Role,
)
from recalldesk.accounts.permissions import role_can
from recalldesk.accounts.selectors import AnyUser, role_for
from recalldesk.registry.models import Firm

User = get_user_model()
USERNAME_MAX_LENGTH = User._meta.get_field(User.USERNAME_FIELD).max_length


def require_role(*, user: AnyUser | None, firm_account: FirmAccount, action: str) -> str:
    """The user's role in the firm if it allows `action`; FirmNotFound or PermissionDenied."""
    role = role_for(user=user, firm_account=firm_account)
    if role is None:
        # The same answer as for a firm that does not exist: its existence is not revealed.
        raise FirmNotFound("No such firm account, or you are not a member of it.")
    if not role_can(role, action):
        raise PermissionDenied(
            f"Your role ({role}) at {firm_account.name} does not allow this; ask the firm's admin."
        )
    return role


def _validate_role(role: str) -> str:
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}.")
    return role


def _normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"{email or 'An empty value'} is not an e-mail address.") from None
    return email


def firm_account_create(
    *,
    name: str,
    slug: str = "",
    registry_firm: Firm | None = None,
    admin: AbstractBaseUser | None = None,
) -> FirmAccount:
    """Create a firm account, with its first admin; an operator's action (command, admin)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A firm account needs a name.")
    slug = slugify(slug or name)[:60]
    if not slug:
        raise InvalidInput(f"Cannot make a web address from {name!r}; give a slug of letters.")
    try:
        with transaction.atomic():
            firm_account = FirmAccount.objects.create(
                name=name, slug=slug, registry_firm=registry_firm
            )
            if admin is not None:
                Membership.objects.create(user=admin, firm_account=firm_account, role=Role.ADMIN)
    except IntegrityError:
        raise InvalidInput(
            f"A firm account with the address {slug!r} already exists; choose another slug."
        ) from None
    return firm_account


def staff_user_create(
    *, email: str, first_name: str = "", last_name: str = "", password: str | None = None
) -> AbstractBaseUser:
    """Create a staff user who logs in with their e-mail; no password means one is set later."""
    email = _normalize_email(email)
    if len(email) > USERNAME_MAX_LENGTH:
        raise InvalidInput(
            f"E-mail addresses longer than {USERNAME_MAX_LENGTH} characters cannot log in here."
        )
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(f"A user with the e-mail {email} already exists.")
    # The e-mail is the username, so people log in with what they know.
    return User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )


def regulator_profile_create(*, user: AbstractBaseUser, agency: str) -> RegulatorProfile:
    """Make a user a regulator of an agency; an operator's action."""
    if agency not in RegulatorAgency.values:
        raise InvalidInput(
            f"Unknown agency {agency!r}; choose one of: {', '.join(RegulatorAgency.values)}."
        )
    profile, created = RegulatorProfile.objects.get_or_create(
        user=user, defaults={"agency": agency}
    )
    if not created and profile.agency != agency:
        raise InvalidInput(f"{user} is already a regulator of {profile.agency}.")
    return profile


def membership_create(
    *,
    actor: AbstractBaseUser,
    firm_account: FirmAccount,
    user: AbstractBaseUser,
    role: str,
) -> Membership:
    """Add an existing user to a firm with a role; the actor must be allowed to manage staff."""
    require_role(user=actor, firm_account=firm_account, action="staff.manage")
    _validate_role(role)
    try:
        with transaction.atomic():
            return Membership.objects.create(
                user=user, firm_account=firm_account, role=role, added_by=actor
            )
    except IntegrityError:
        raise InvalidInput(f"{user.email or user} is already a member of {firm_account}.") from None


def staff_invite(
    *,
    actor: AbstractBaseUser,
    firm_account: FirmAccount,
    email: str,
    role: str,
    base_url: str,
) -> Membership:
    """Add a person by e-mail: create their user if new and e-mail them a link to set a password.

    `base_url` is the site's address as people reach it, e.g. "https://recalls.example.com".
    """
    require_role(user=actor, firm_account=firm_account, action="staff.manage")
    _validate_role(role)
    email = _normalize_email(email)
    with transaction.atomic():
        users = list(User.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise InvalidInput(
                f"Several users share the e-mail {email}; an operator must merge them first."
            )
        is_new = not users
        user = staff_user_create(email=email) if is_new else users[0]
        if not user.is_active:
            raise InvalidInput(f"The user {email} is deactivated; an operator must reactivate it.")
        membership = membership_create(actor=actor, firm_account=firm_account, user=user, role=role)
        # After commit: no e-mail for an invitation that was rolled back.
        transaction.on_commit(
            lambda: _send_staff_invite_email(membership=membership, base_url=base_url)
        )
    return membership


def _send_staff_invite_email(*, membership: Membership, base_url: str) -> None:
    user = membership.user
    parts = urlsplit(base_url)
    context = {
        "firm_account": membership.firm_account,
        "role": membership.get_role_display(),
        "added_by": membership.added_by,
        "email": user.email,
        "protocol": parts.scheme or "https",
        "domain": parts.netloc,
        # A user who has never set a password gets the password reset link to choose one.
        "needs_password": not user.has_usable_password(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("accounts/email/staff_invite_subject.txt", context)
    body = render_to_string("accounts/email/staff_invite.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def _lock_firm_memberships(firm_account: FirmAccount) -> list[Membership]:
    # Locks every membership of the firm, so two admins demoting each other at once cannot
    # leave the firm without an admin (on SQLite the IMMEDIATE transaction serializes instead).
    return list(Membership.objects.select_for_update().filter(firm_account=firm_account))


def _check_an_admin_remains(memberships: list[Membership], changed: Membership) -> None:
    others = [m for m in memberships if m.pk != changed.pk and m.role == Role.ADMIN]
    if not others:
        raise InvalidInput(
            f"{changed.user.email or changed.user} is the only admin of {changed.firm_account}; "
            "make someone else admin first."
        )


def _membership_in_firm(
    *, membership_id: int, firm_account: FirmAccount
) -> tuple[Membership, list[Membership]]:
    memberships = _lock_firm_memberships(firm_account)
    membership = next((m for m in memberships if m.pk == membership_id), None)
    if membership is None:
        raise FirmNotFound(f"{firm_account} has no such member.")
    return membership, memberships


def membership_change_role(
    *, actor: AbstractBaseUser, membership: Membership, role: str
) -> Membership:
    """Change a member's role; the firm always keeps at least one admin."""
    firm_account = membership.firm_account
    require_role(user=actor, firm_account=firm_account, action="staff.manage")
    _validate_role(role)
    with transaction.atomic():
        current, memberships = _membership_in_firm(
            membership_id=membership.pk, firm_account=firm_account
        )
        if current.role == Role.ADMIN and role != Role.ADMIN:
            _check_an_admin_remains(memberships, current)
        current.role = role
        current.save(update_fields=["role"])
    return current


def membership_remove(*, actor: AbstractBaseUser, membership: Membership) -> None:
    """Remove a member from a firm; the firm always keeps at least one admin."""
    firm_account = membership.firm_account
    require_role(user=actor, firm_account=firm_account, action="staff.manage")
    with transaction.atomic():
        current, memberships = _membership_in_firm(
            membership_id=membership.pk, firm_account=firm_account
        )
        if current.role == Role.ADMIN:
            _check_an_admin_remains(memberships, current)
        current.delete()
