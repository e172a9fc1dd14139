"""Money: a Decimal amount with its currency, never a float."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SYMBOLS = {"USD": "$", "CAD": "CA$"}


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money needs a Decimal amount")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"{self.currency!r} is not a currency code like USD")

    def rounded(self) -> "Money":
        """To the cent, halves away from zero, as a receipt is."""
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency)

    def __str__(self) -> str:
        symbol = SYMBOLS.get(self.currency)
        text = f"{self.rounded().amount:,.2f}"
        return f"{symbol}{text}" if symbol else f"{text} {self.currency}"
