"""What filing a claim needs to know of a program, kept in this process's memory.

A claim reads its program, the program's recall and firm, and its products with their serial
rules and average prices. Programs change rarely and claims come by the thousand, so each
process keeps the program as it last read it, with its terms_version. The database gives the
program a new terms_version on every write to the program, its products or their prices,
whoever writes (the triggers of migration 0003). A reader asks for (id, terms_version) by slug,
one small indexed query, and reads the rest again when the version is not the one kept; the
claims API asks for nothing (verified=False), because claim_submit checks the version when it
writes the claim and when it refuses one (claim_rows.py), and reads the program again through
this module if it changed. Either way an edit by a firm's staff holds for the next claim, in
every process.

Without a receipt, a claim pays the model's average price: what remedy_amounts works out from
it is kept with the program too (remedy_amounts_for_claims), so it is worked out once per
product and currency, by remedies.py as always, instead of read again for every claim.

The objects returned are shared by the requests of the process: read them, never change them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch

from recalldesk.claims.models import AveragePrice, Program, ProgramProduct
from recalldesk.claims.remedies import RemedyAmounts, remedy_amounts

# Far more than the programs open at once; past it the cache starts again from empty.
MAX_PROGRAMS = 500


@dataclass
class _Kept:
    program_id: int
    terms_version: int
    program: Program
    # (product id, currency) -> the amounts without a receipt
    amounts: dict[tuple[int, str], RemedyAmounts] = field(default_factory=dict)


_programs: dict[str, _Kept] = {}


def _program_load(program_id: int) -> Program | None:
    prices = AveragePrice.objects.order_by("currency")
    products = ProgramProduct.objects.order_by("model_number").prefetch_related(
        Prefetch("prices", queryset=prices)
    )
    return (
        Program.objects.select_related("recall", "firm_account")
        .prefetch_related(Prefetch("products", queryset=products))
        .filter(pk=program_id)
        .first()
    )


def program_for_claims(*, slug: str, verified: bool = True) -> Program | None:
    """The program named `slug` with its recall, firm, products and prices; None if none.

    verified=False hands back the program kept without asking the database: for claim_submit,
    whose write and refusals check the terms_version themselves (claim_rows.py) and read the
    program again through this function when it changed.
    """
    kept = _programs.get(slug)
    if not verified and kept is not None:
        return kept.program
    # Plain SQL: the ORM took three times as long to write this query as to run it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, terms_version FROM {Program._meta.db_table} WHERE slug = %s",  # noqa: S608
            [slug],
        )
        found = cursor.fetchone()
    if found is None:
        _programs.pop(slug, None)
        return None
    program_id, version = found
    if kept is not None and (kept.program_id, kept.terms_version) == (program_id, version):
        return kept.program
    program = _program_load(program_id)
    if program is None:  # deleted in between
        return None
    if len(_programs) >= MAX_PROGRAMS:
        _programs.clear()
    # Under the version read with the program itself: products read after it are at least as
    # new, and a write in between only makes the next claim read the program again.
    _programs[slug] = _Kept(program.pk, program.terms_version, program)
    return program


def remedy_amounts_for_claims(
    *,
    program: Program,
    product: ProgramProduct,
    currency: str,
    receipt_amount: Decimal | None,
) -> RemedyAmounts:
    """remedy_amounts; kept without a receipt when the program came from program_for_claims."""
    kept = _programs.get(program.slug)
    if receipt_amount is not None or kept is None or kept.program is not program:
        return remedy_amounts(
            program=program, product=product, currency=currency, receipt_amount=receipt_amount
        )
    key = (product.pk, currency)
    if key not in kept.amounts:
        # RemedyUnavailable (no average price in that currency) is raised each time, not kept.
        kept.amounts[key] = remedy_amounts(
            program=program, product=product, currency=currency, receipt_amount=None
        )
    return kept.amounts[key]


def program_cache_clear() -> None:
    """Forget every program kept (the next claim of each reads it again)."""
    _programs.clear()
