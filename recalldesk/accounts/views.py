"""Staff pages of a firm account: parse, call a service or selector, render.

Another firm's staff get 404 for every page here (FirmNotFound is an Http404), so they cannot
tell whether a firm exists; a member whose role does not allow an action gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from recalldesk.accounts import selectors, services
from recalldesk.accounts.errors import InvalidInput
from recalldesk.accounts.forms import MembershipRoleForm, StaffInviteForm
from recalldesk.accounts.models import FirmAccount, Membership
from recalldesk.accounts.permissions import REGULATOR, role_can, role_summaries


@login_required
def firm_list(request: HttpRequest) -> HttpResponse:
    """Your firm: straight to it when you have one; a list for regulators and multi-firm staff."""
    firm_accounts = list(selectors.firm_accounts_for_user(user=request.user))
    regulator = selectors.regulator_profile_get(user=request.user)
    if len(firm_accounts) == 1 and regulator is None:
        return redirect("accounts:firm_staff", firm_accounts[0].slug)
    return render(
        request,
        "accounts/firm_list.html",
        {"firm_accounts": firm_accounts, "regulator": regulator},
    )


def _staff_page(
    request: HttpRequest,
    firm_account: FirmAccount,
    *,
    invite_form: StaffInviteForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    role = services.require_role(user=request.user, firm_account=firm_account, action="staff.view")
    can_manage = role_can(role, "staff.manage")
    memberships = selectors.memberships_for_firm(user=request.user, firm_account=firm_account)
    rows = [
        (
            membership,
            MembershipRoleForm(initial={"role": membership.role}, auto_id=f"id_m{membership.pk}_%s")
            if can_manage
            else None,
        )
        for membership in memberships
    ]
    context = {
        "firm_account": firm_account,
        "role": role,
        "is_regulator": role == REGULATOR,
        "can_manage": can_manage,
        "rows": rows,
        "invite_form": (invite_form or StaffInviteForm()) if can_manage else None,
        "error": error,
        "role_summaries": role_summaries(),
    }
    return render(request, "accounts/firm_staff.html", context, status=status)


@login_required
def firm_staff(request: HttpRequest, slug: str) -> HttpResponse:
    """The firm's staff and their roles; its admins add, change and remove them here."""
    firm_account = selectors.firm_account_get_for_user(user=request.user, slug=slug)
    return _staff_page(request, firm_account)


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_POST
def staff_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a person by e-mail with a role; a new person gets a link to set a password."""
    firm_account = selectors.firm_account_get_for_user(user=request.user, slug=slug)
    services.require_role(user=request.user, firm_account=firm_account, action="staff.manage")
    form = StaffInviteForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, firm_account, invite_form=form, status=400)
    try:
        membership = services.staff_invite(
            actor=request.user,
            firm_account=firm_account,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            base_url=_site_url(request),
        )
    except InvalidInput as error:
        return _staff_page(
            request, firm_account, invite_form=form, error=" ".join(error.messages), status=400
        )
    messages.success(
        request,
        f"{membership.user.email} was added as {membership.get_role_display().lower()}; "
        "an e-mail was sent to them.",
    )
    return redirect("accounts:firm_staff", firm_account.slug)


def _membership_or_404(firm_account: FirmAccount, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "firm_account"),
        pk=membership_id,
        firm_account=firm_account,
    )


@login_required
@require_POST
def membership_role_change(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Give a member another role."""
    firm_account = selectors.firm_account_get_for_user(user=request.user, slug=slug)
    services.require_role(user=request.user, firm_account=firm_account, action="staff.manage")
    membership = _membership_or_404(firm_account, membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, firm_account, error="Choose a role from the list.", status=400)
    try:
        membership = services.membership_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except InvalidInput as error:
        return _staff_page(request, firm_account, error=" ".join(error.messages), status=400)
    messages.success(
        request, f"{membership.user.email} is now {membership.get_role_display().lower()}."
    )
    return redirect("accounts:firm_staff", firm_account.slug)


@login_required
@require_POST
def membership_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Remove a member from the firm; their user account stays for other firms."""
    firm_account = selectors.firm_account_get_for_user(user=request.user, slug=slug)
    services.require_role(user=request.user, firm_account=firm_account, action="staff.manage")
    membership = _membership_or_404(firm_account, membership_id)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except InvalidInput as error:
        return _staff_page(request, firm_account, error=" ".join(error.messages), status=400)
    messages.success(request, f"{membership.user.email} was removed from {firm_account.name}.")
    if membership.user_id == request.user.pk:
        return redirect("accounts:home")
    return redirect("accounts:firm_staff", firm_account.slug)
