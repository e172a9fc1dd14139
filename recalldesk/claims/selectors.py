"""Reads of programs and claims, scoped by who asks: a firm's isolation is enforced here.

Staff see their own firm's programs and claims, regulators every firm's; anyone else nothing.
A program or claim another firm's staff ask for is "not found", exactly as one that does not
exist, so its existence is never revealed.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from recalldesk.accounts.selectors import AnyUser, scope_to_user
from recalldesk.claims.models import AveragePrice, Claim, Program, ProgramProduct
from recalldesk.registry.models import Recall


class ProgramNotFound(Http404):
    """No such program for this user (it does not exist, or belongs to another firm)."""


class ClaimNotFound(Http404):
    """No such claim for this user (it does not exist, or belongs to another firm)."""


def _products_with_prices() -> Prefetch:
    prices = AveragePrice.objects.order_by("currency")
    return Prefetch(
        "products",
        queryset=ProgramProduct.objects.order_by("model_number").prefetch_related(
            Prefetch("prices", queryset=prices)
        ),
    )


def programs_for_user(*, user: AnyUser | None) -> QuerySet[Program]:
    """The programs the user may read, newest first, with their recall and firm."""
    # Ordered here: a query with counts does not take the model's default ordering.
    programs = (
        Program.objects.select_related("recall", "firm_account")
        .annotate(
            claim_count=Count("claims", distinct=True),
            product_count=Count("products", distinct=True),
        )
        .order_by("-created_at", "-id")
    )
    return scope_to_user(user=user, queryset=programs, action="program.view")


def program_get_for_user(*, user: AnyUser | None, slug: str) -> Program:
    """A program the user may read, with its products and prices; ProgramNotFound otherwise."""
    program = (
        scope_to_user(user=user, queryset=Program.objects.all(), action="program.view")
        .select_related("recall", "firm_account")
        .prefetch_related(_products_with_prices())
        .filter(slug=slug)
        .first()
    )
    if program is None:
        raise ProgramNotFound("No such program, or it is not one of your firm's.")
    return program


def claims_for_user(*, user: AnyUser | None, program: Program | None = None) -> QuerySet[Claim]:
    """The claims the user may read (of one program if given), newest first."""
    claims = (
        Claim.objects.select_related("program", "product")
        .annotate(fraud_signal_count=Count("fraud_signals"))
        .order_by("-submitted_at", "-id")
    )
    if program is not None:
        claims = claims.filter(program=program)
    return scope_to_user(
        user=user, queryset=claims, firm_field="program__firm_account", action="claim.view"
    )


def claim_get_for_user(*, user: AnyUser | None, number: str) -> Claim:
    """A claim the user may read, by its number, with evidence, signals and history."""
    claim = (
        scope_to_user(
            user=user,
            queryset=Claim.objects.all(),
            firm_field="program__firm_account",
            action="claim.view",
        )
        .select_related("program__recall", "program__firm_account", "product")
        .prefetch_related("evidence", "fraud_signals__related_claim__program", "events__actor")
        .filter(number__iexact=(number or "").strip())
        .first()
    )
    if claim is None:
        raise ClaimNotFound("No such claim, or it is not one of your firm's.")
    return claim


def _open_now() -> Q:
    now = timezone.now()
    return Q(opens_at__lte=now) & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))


def program_get_public(*, slug: str) -> Program | None:
    """An open program by its slug, for the public claim form; None if unknown or not open."""
    return (
        Program.objects.filter(_open_now(), slug=slug)
        .select_related("recall", "firm_account")
        .prefetch_related(_products_with_prices())
        .first()
    )


def programs_open_for_recall(*, recall: Recall) -> QuerySet[Program]:
    """The programs open now for a recall: where owners of its products file claims."""
    return (
        Program.objects.filter(_open_now(), recall=recall)
        .select_related("firm_account")
        .order_by("opens_at", "id")
    )
