"""The firm's API tokens page: its admins create tokens (shown once) and revoke them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from recalldesk.accounts import selectors, services, tokens
from recalldesk.accounts.errors import InvalidInput
from recalldesk.accounts.models import FirmAccount


def _tokens_page(
    request: HttpRequest,
    firm_account: FirmAccount,
    *,
    created: tuple | None = None,
    name: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "firm_account": firm_account,
        "tokens": tokens.api_tokens_for_firm(user=request.user, firm_account=firm_account),
        "created": created,
        "name": name,
        "error": error,
        "api_base": request.build_absolute_uri("/api/firm/"),
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


@never_cache
@login_required
def api_tokens(request: HttpRequest, slug: str) -> HttpResponse:
    """The firm's API tokens: name, first characters, who made it, last used, revoked."""
    firm_account = selectors.firm_account_get_for_user(user=request.user, slug=slug)
    services.require_role(user=request.user, firm_account=firm_account, action="token.manage")
    return _tokens_page(request, firm_account)


@never_cache
@login_required
@require_POST
def api_token_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Create a token and show it this once; no redirect, so it is never stored to show later."""
    firm_account = selectors.firm_account_get_for_user(user=request.user, slug=slug)
    services.require_role(user=request.user, firm_account=firm_account, action="token.manage")
    name = request.POST.get("name", "")
    try:
        token, plain = tokens.api_token_create(
            actor=request.user, firm_account=firm_account, name=name
        )
    except InvalidInput as error:
        return _tokens_page(
            request, firm_account, name=name, error=" ".join(error.messages), status=400
        )
    return _tokens_page(request, firm_account, created=(token, plain))


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, slug: str, token_id: int) -> HttpResponse:
    """Revoke a token: requests with it are refused from now on."""
    firm_account = selectors.firm_account_get_for_user(user=request.user, slug=slug)
    services.require_role(user=request.user, firm_account=firm_account, action="token.manage")
    token = tokens.api_token_get_for_user(
        user=request.user, firm_account=firm_account, token_id=token_id
    )
    tokens.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token {token.name} is revoked; requests with it now get 401.")
    return redirect("accounts:api_tokens", firm_account.slug)
