"""What a claim pays: the refund and the store credit a program offers for one product."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from recalldesk.claims.models import AveragePrice, Program, ProgramProduct
from recalldesk.money import CENT, Money


class RemedyUnavailable(ValidationError):
    """No amount can be worked out, e.g. no receipt and no average price in that currency."""


@dataclass(frozen=True)
class RemedyAmounts:
    """The refund and the store credit, each None where the program does not offer it."""

    refund: Money | None
    store_credit: Money | None


def _to_cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def remedy_base(
    *, program: Program, product: ProgramProduct, currency: str, receipt_amount: Decimal | None
) -> tuple[Money, bool]:
    """The amount refunded and whether it came from the receipt (else the average price)."""
    if currency not in program.currencies.values():
        raise RemedyUnavailable(
            f"This program pays in {', '.join(sorted(set(program.currencies.values())))}, "
            f"not {currency}; choose the country where you bought the product."
        )
    if receipt_amount is not None:
        try:
            amount = Decimal(receipt_amount)
        except (InvalidOperation, TypeError, ValueError):
            raise RemedyUnavailable("Enter the amount on the receipt, e.g. 59.99.") from None
        if not amount.is_finite() or _to_cent(amount) <= 0:
            raise RemedyUnavailable("The amount on the receipt must be more than zero, e.g. 59.99.")
        return Money(_to_cent(amount), currency), True
    price = AveragePrice.objects.filter(product=product, currency=currency).first()
    if price is None:
        raise RemedyUnavailable(
            f"Add your receipt and its amount: without one this program pays the average price "
            f"of {product.model_number}, and none is set in {currency} yet."
        )
    return Money(_to_cent(price.amount), currency), False


def remedy_amounts(
    *, program: Program, product: ProgramProduct, currency: str, receipt_amount: Decimal | None
) -> RemedyAmounts:
    """The refund (receipt amount, else the model's average price) and the store credit
    (that x (1 + bonus), to the cent, halves up); None for a remedy the program does not offer."""
    base, _ = remedy_base(
        program=program, product=product, currency=currency, receipt_amount=receipt_amount
    )
    refund = base if program.refund_offered else None
    store_credit = None
    if program.store_credit_bonus_rate is not None:
        bonus = Decimal(program.store_credit_bonus_rate)
        store_credit = Money(_to_cent(base.amount * (1 + bonus)), currency)
    return RemedyAmounts(refund=refund, store_credit=store_credit)
