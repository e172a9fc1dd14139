"""Reads scoped by who asks: a firm's isolation is enforced here and in require_role."""

from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet

from recalldesk.accounts.errors import FirmNotFound
from recalldesk.accounts.models import FirmAccount, Membership, RegulatorProfile
from recalldesk.accounts.permissions import REGULATOR, role_can, roles_allowed

AnyUser = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=Model)


def _is_active_user(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def regulator_profile_get(*, user: AnyUser | None) -> RegulatorProfile | None:
    """The user's regulator profile, or None when they are not a regulator."""
    if not _is_active_user(user):
        return None
    return RegulatorProfile.objects.filter(user=user).first()


def membership_get(*, user: AnyUser | None, firm_account: FirmAccount) -> Membership | None:
    """The user's membership of a firm account, or None."""
    if not _is_active_user(user):
        return None
    return Membership.objects.filter(user=user, firm_account=firm_account).first()


def role_for(*, user: AnyUser | None, firm_account: FirmAccount) -> str | None:
    """The user's role in a firm: its membership role, else REGULATOR, else None."""
    membership = membership_get(user=user, firm_account=firm_account)
    if membership is not None:
        return membership.role
    if regulator_profile_get(user=user) is not None:
        return REGULATOR
    return None


def scope_to_user(
    *,
    user: AnyUser | None,
    queryset: QuerySet[M],
    firm_field: str = "firm_account",
    action: str | None = None,
) -> QuerySet[M]:
    """Only the rows of firms the user may see (regulators: all), or may `action` on if given.

    `firm_field` is the lookup from the queryset's model to FirmAccount, e.g. "firm_account",
    "program__firm_account", or "pk" for a FirmAccount queryset. Through a to-many path
    a row may repeat; add .distinct() there.
    """
    if not _is_active_user(user):
        return queryset.none()
    action = action or "program.view"
    if regulator_profile_get(user=user) is not None and role_can(REGULATOR, action):
        return queryset
    firm_ids = Membership.objects.filter(user=user, role__in=roles_allowed(action)).values(
        "firm_account_id"
    )
    return queryset.filter(**{f"{firm_field}__in": firm_ids})


def firm_accounts_for_user(*, user: AnyUser | None) -> QuerySet[FirmAccount]:
    """The firm accounts the user may see: their own, or every firm for a regulator."""
    return scope_to_user(user=user, queryset=FirmAccount.objects.all(), firm_field="pk")


def firm_account_get_for_user(*, user: AnyUser | None, slug: str) -> FirmAccount:
    """A firm account the user may see, by slug; FirmNotFound whether or not it exists."""
    firm_account = firm_accounts_for_user(user=user).filter(slug=slug).first()
    if firm_account is None:
        raise FirmNotFound("No such firm account, or you are not a member of it.")
    return firm_account


def memberships_for_firm(
    *, user: AnyUser | None, firm_account: FirmAccount
) -> QuerySet[Membership]:
    """The firm's staff with their roles, for a user allowed to see them; else none."""
    memberships = Membership.objects.filter(firm_account=firm_account)
    return scope_to_user(user=user, queryset=memberships, action="staff.view").select_related(
        "user"
    )
