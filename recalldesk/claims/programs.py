"""Writes to recall programs: set up by a firm's staff, each checking who acts.

A program names the recall it runs, the products (model number and serial rule) it covers,
the proof it asks for, what it pays and in which currency.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from recalldesk.accounts.models import FirmAccount
from recalldesk.accounts.services import require_role
from recalldesk.claims.eligibility import serial_normalize
from recalldesk.claims.models import AveragePrice, Currency, Program, ProgramProduct, SerialRuleKind
from recalldesk.claims.program_terms import (
    MAX_PRICE,
    ProgramInvalid,
    ProgramTerms,
    SerialRuleInput,
    clean_line,
    clean_product,
    clean_rule,
    clean_terms,
)
from recalldesk.identify.models import Identifier, IdentifierKind, SerialRule
from recalldesk.registry.models import Recall

__all__ = [
    "ProgramInvalid",
    "ProgramTerms",
    "SerialRuleInput",
    "ProductSuggestion",
    "average_price_set",
    "average_prices_set",
    "program_create",
    "program_product_add",
    "program_product_update",
    "program_products_suggest",
    "program_update",
    "recall_names_firm",
]


def recall_names_firm(*, recall: Recall, firm_account: FirmAccount) -> bool:
    """Whether the recall names the firm account's firm (as manufacturer, importer, ...)."""
    if firm_account.registry_firm_id is None:
        return False
    return recall.firm_links.filter(firm_id=firm_account.registry_firm_id).exists()


def program_create(
    *,
    actor: AbstractBaseUser,
    firm_account: FirmAccount,
    recall: Recall,
    terms: ProgramTerms,
    slug: str = "",
    is_demo: bool = False,
) -> Program:
    """Start a firm's program for one of its recalls; the slug makes its web address."""
    require_role(user=actor, firm_account=firm_account, action="program.edit")
    # Owners trust a claim form shown under a recall: only a firm the recall names runs one.
    if not recall_names_firm(recall=recall, firm_account=firm_account):
        raise ProgramInvalid(
            f"Recall {recall.number} does not name {firm_account.name}; a firm runs programs "
            "only for its own recalls. If it is yours, ask an operator to link your firm account "
            "to your firm's name in published recalls."
        )
    values = clean_terms(terms)
    slug = slugify(slug or f"{firm_account.slug}-{recall.number}")[:80].strip("-")
    if not slug:
        raise ProgramInvalid("Give the program a web address of letters, digits and dashes.")
    try:
        with transaction.atomic():
            return Program.objects.create(
                firm_account=firm_account, recall=recall, slug=slug, is_demo=is_demo, **values
            )
    except IntegrityError:
        raise ProgramInvalid(
            f"A program with the address {slug!r} already exists; choose another one."
        ) from None


def program_update(*, actor: AbstractBaseUser, program: Program, terms: ProgramTerms) -> Program:
    """Change a program's terms; its recall, firm and web address stay."""
    require_role(user=actor, firm_account=program.firm_account, action="program.edit")
    values = clean_terms(terms)
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
    return locked


def program_product_add(
    *,
    actor: AbstractBaseUser,
    program: Program,
    model_number: str,
    name: str,
    rule: SerialRuleInput,
    serial_help: str = "",
) -> ProgramProduct:
    """Add an eligible model number with its serial rule to a program."""
    require_role(user=actor, firm_account=program.firm_account, action="program.edit")
    values = {**clean_product(model_number, name, serial_help), **clean_rule(rule)}
    try:
        with transaction.atomic():
            return ProgramProduct.objects.create(program=program, **values)
    except IntegrityError:
        raise ProgramInvalid(
            f"{values['model_number']} is already in this program; change it there instead."
        ) from None


def program_product_update(
    *,
    actor: AbstractBaseUser,
    product: ProgramProduct,
    model_number: str,
    name: str,
    rule: SerialRuleInput,
    serial_help: str = "",
) -> ProgramProduct:
    """Change a product's model number, name or serial rule."""
    require_role(user=actor, firm_account=product.program.firm_account, action="program.edit")
    values = {**clean_product(model_number, name, serial_help), **clean_rule(rule)}
    try:
        with transaction.atomic():
            locked = ProgramProduct.objects.select_for_update().get(pk=product.pk)
            for key, value in values.items():
                setattr(locked, key, value)
            locked.save(update_fields=list(values))
    except IntegrityError:
        raise ProgramInvalid(
            f"{values['model_number']} is already in this program as another product."
        ) from None
    return locked


def average_price_set(
    *,
    actor: AbstractBaseUser,
    product: ProgramProduct,
    currency: str,
    amount: Decimal,
    is_demo_value: bool = False,
) -> AveragePrice:
    """Set a model's average sales price in one currency: the refund without a receipt."""
    program = product.program
    require_role(user=actor, firm_account=program.firm_account, action="program.edit")
    if currency not in Currency.values:
        raise ProgramInvalid(
            f"Unknown currency {currency!r}; choose from: {', '.join(Currency.values)}."
        )
    if currency not in program.currencies.values():
        raise ProgramInvalid(
            f"{program.name} pays in {', '.join(sorted(set(program.currencies.values())))}; "
            f"add a country paid in {currency} to the program first."
        )
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ProgramInvalid("The average price must be an amount, e.g. 59.99.") from None
    if not amount.is_finite() or amount <= 0:
        raise ProgramInvalid("The average price must be more than zero, e.g. 59.99.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ProgramInvalid(f"Give the average price to the cent, e.g. 59.99, not {amount}.")
    if amount > MAX_PRICE:
        raise ProgramInvalid(f"The average price is too large: at most {MAX_PRICE}.")
    with transaction.atomic():
        price, _ = AveragePrice.objects.update_or_create(
            product=product,
            currency=currency,
            defaults={"amount": amount.quantize(Decimal("0.01")), "is_demo_value": is_demo_value},
        )
    return price


def average_prices_set(
    *,
    actor: AbstractBaseUser,
    product: ProgramProduct,
    amounts: dict[str, Decimal],
    is_demo_value: bool = False,
) -> list[AveragePrice]:
    """Set several currencies' average prices at once: all are saved, or none."""
    with transaction.atomic():
        return [
            average_price_set(
                actor=actor,
                product=product,
                currency=currency,
                amount=amount,
                is_demo_value=is_demo_value,
            )
            for currency, amount in amounts.items()
        ]


@dataclass(frozen=True)
class ProductSuggestion:
    """A product taken from the recall's identification, to prefill the add-product form."""

    model_number: str
    name: str
    rule: SerialRuleInput
    serial_help: str = ""
    note: str = ""


_OF_THE = re.compile(r"\bof (?:the|a|an|each|every) (.+)$", re.IGNORECASE)


def _name_from_where(where_printed: str) -> str:
    # "on the bottom of the charging stand" names the product: "Charging stand".
    match = _OF_THE.search(where_printed or "")
    return match.group(1).strip(" .").capitalize() if match else ""


def _suggested_rule(rules: list[SerialRule]) -> tuple[SerialRuleInput, str]:
    usable = [r for r in rules if r.kind in SerialRuleKind.values]
    note = ""
    if len(rules) > len(usable):
        note = "The recall limits this model by lot or date codes; check them and set a rule."
    elif len(usable) > 1:
        note = f"The recall gives {len(usable)} serial rules for this model; only one is kept."
    if not usable:
        return SerialRuleInput(), note
    rule = usable[0]
    return (
        SerialRuleInput(
            kind=rule.kind,
            prefix=serial_normalize(rule.prefix),
            length=rule.length,
            range_start=serial_normalize(rule.range_start),
            range_end=serial_normalize(rule.range_end),
        ),
        note,
    )


def program_products_suggest(*, recall: Recall) -> list[ProductSuggestion]:
    """The model numbers and serial rules identification read from the recall, as suggestions."""
    identifiers = list(
        Identifier.objects.filter(recall=recall, kind=IdentifierKind.MODEL, suppressed=False)
        .select_related("product")
        .order_by("id")
    )
    rules = list(SerialRule.objects.filter(recall=recall, suppressed=False).order_by("id"))
    suggestions = []
    for identifier in identifiers:
        own = [r for r in rules if r.identifier_id == identifier.pk]
        # A rule without a model covers every model of the recall.
        applicable = own or [r for r in rules if r.identifier_id is None]
        rule, note = _suggested_rule(applicable)
        where = next((r.where_printed for r in own if r.where_printed), "")
        where = where or identifier.where_printed
        name = _name_from_where(identifier.where_printed)
        if not name:
            name = identifier.product.name if identifier.product else recall.product_name
        suggestions.append(
            ProductSuggestion(
                model_number=identifier.value,
                name=clean_line(name)[:200],
                rule=rule,
                serial_help=f"Printed {where}."[:300] if where else "",
                note=note,
            )
        )
    return suggestions
