"""Load the demo: Belkin's program for recall 26-090, run by a demo firm with two staff.

Idempotent: a second run changes nothing and prints the same credentials, kept in
var/demo-credentials.txt (never committed) so they survive between runs.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from recalldesk.accounts import services as accounts
from recalldesk.accounts.models import FirmAccount, Membership, Role
from recalldesk.claims.models import Program
from recalldesk.claims.programs import (
    ProgramTerms,
    SerialRuleInput,
    average_price_set,
    program_create,
    program_product_add,
)
from recalldesk.registry.models import FirmRole, Recall
from recalldesk.registry.selectors import recall_get

RECALL_NUMBER = "26-090"
FIRM_NAME = "Belkin International Inc. (demo)"
FIRM_SLUG = "belkin-demo"
PROGRAM_SLUG = "belkin-26-090"
STAFF = [("demo-admin@belkin.example", Role.ADMIN), ("demo-reviewer@belkin.example", Role.REVIEWER)]

CHARACTERS_NOT_CONFUSED = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"

DISPOSAL = (
    "These products hold a lithium-ion battery, which can catch fire when damaged. Take the "
    "product to a facility that accepts damaged or defective lithium-ion batteries, for example "
    "your municipal household hazardous waste (HHW) collection center. Call it first and ask "
    "whether it accepts recalled lithium-ion batteries; if it does not, ask your municipality "
    "where to take it. Never put it in household trash, in a recycling bin, or in the "
    "used-battery collection box of a store."
)

# (model number, name, serial rule, where the serial is printed, {currency: average price}).
# Plausible prices within the $29 to $180 the products sold for, marked as demo values.
PRODUCTS = [
    (
        "MMA008",
        "Auto-Tracking Stand Pro",
        SerialRuleInput(kind="prefix", prefix="57X", length=14),
        "Printed on the bottom of the charging stand, under the model number.",
        {"USD": "149.99", "CAD": "199.99"},
    ),
    (
        "BPB002",
        "BoostCharge power bank",
        SerialRuleInput(kind="prefix", prefix="35S", length=14),
        "Printed on the back of the power bank.",
        {"USD": "39.99", "CAD": "54.99"},
    ),
    (
        "PB0003",
        "BoostCharge power bank",
        SerialRuleInput(kind="all"),
        "Printed on the back of the power bank.",
        {"USD": "29.99", "CAD": "39.99"},
    ),
]


@dataclass(frozen=True)
class DemoSetup:
    firm_account: FirmAccount
    program: Program
    credentials: list[tuple[str, str, str]]  # (e-mail, role, password)


def credentials_read(path: Path) -> dict[str, str]:
    """E-mail -> password from the credentials file; empty when there is none yet."""
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#"):
            found[parts[0]] = parts[1]
    return found


def _credentials_write(path: Path, passwords: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# Demo staff of {FIRM_NAME}, made by load_demo_program. Never commit this file."]
    lines += [f"{email} {passwords[email]}" for email, _ in STAFF]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def _password() -> str:
    # Letters and digits people do not confuse when they copy them from a terminal.
    return "".join(secrets.choice(CHARACTERS_NOT_CONFUSED) for _ in range(16))


def _registry_firm(recall: Recall):
    links = {link.role: link.firm for link in recall.firm_links.select_related("firm")}
    for role in (FirmRole.RECALLING_FIRM, FirmRole.MANUFACTURER, FirmRole.IMPORTER):
        if role in links:
            return links[role]
    raise CommandError(f"Recall {RECALL_NUMBER} names no recalling firm; reload the bundled data.")


def _user(email: str, password: str) -> AbstractBaseUser:
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        return accounts.staff_user_create(email=email, first_name="Demo", password=password)
    if not user.is_active or not user.check_password(password):
        user.is_active = True
        user.set_password(password)
        user.save(update_fields=["is_active", "password"])
    return user


def _firm_account(recall: Recall, users: dict[str, AbstractBaseUser]) -> FirmAccount:
    admin = users[STAFF[0][0]]
    firm_account = FirmAccount.objects.filter(slug=FIRM_SLUG).first()
    if firm_account is None:
        firm_account = accounts.firm_account_create(
            name=FIRM_NAME, slug=FIRM_SLUG, registry_firm=_registry_firm(recall), admin=admin
        )
    for email, role in STAFF:
        if Membership.objects.filter(firm_account=firm_account, user=users[email]).exists():
            continue
        actor = (
            Membership.objects.filter(firm_account=firm_account, role=Role.ADMIN)
            .select_related("user")
            .first()
        )
        if actor is None:
            raise CommandError(f"{FIRM_NAME} has no admin left; delete it and run this again.")
        accounts.membership_create(
            actor=actor.user, firm_account=firm_account, user=users[email], role=role
        )
    return firm_account


def _program(firm_account: FirmAccount, recall: Recall, admin: AbstractBaseUser) -> Program:
    program = Program.objects.filter(slug=PROGRAM_SLUG).first()
    if program is None:
        terms = ProgramTerms(
            name="Belkin power bank and charging stand recall (demo)",
            opens_at=timezone.make_aware(datetime(2025, 11, 13)),
            closes_at=None,
            receipt_required=False,
            required_photos=(
                "Front of the product",
                "Back of the product, showing the serial number",
            ),
            refund_offered=True,
            store_credit_bonus_rate=Decimal("0.20"),
            currencies={"US": "USD", "CA": "CAD"},
            disposal_instructions=DISPOSAL,
        )
        program = program_create(
            actor=admin,
            firm_account=firm_account,
            recall=recall,
            terms=terms,
            slug=PROGRAM_SLUG,
            is_demo=True,
        )
    held = {p.model_normalized: p for p in program.products.all()}
    for model_number, name, rule, serial_help, prices in PRODUCTS:
        product = held.get(model_number)
        if product is None:
            product = program_product_add(
                actor=admin,
                program=program,
                model_number=model_number,
                name=name,
                rule=rule,
                serial_help=serial_help,
            )
        priced = set(product.prices.values_list("currency", flat=True))
        for currency, amount in prices.items():
            if currency not in priced:
                average_price_set(
                    actor=admin,
                    product=product,
                    currency=currency,
                    amount=Decimal(amount),
                    is_demo_value=True,
                )
    return program


def demo_program_load(*, credentials_path: Path) -> DemoSetup:
    """The demo firm, its staff and its program for 26-090, created where missing."""
    recall = recall_get(number=RECALL_NUMBER)
    if recall is None:
        raise CommandError(
            f"Recall {RECALL_NUMBER} is not in the database; run "
            "`python manage.py load_bundled_data` first."
        )
    stored = credentials_read(credentials_path)
    passwords = {email: stored.get(email) or _password() for email, _ in STAFF}
    if passwords != {email: stored.get(email) for email, _ in STAFF}:
        _credentials_write(credentials_path, passwords)
    with transaction.atomic():
        users = {email: _user(email, passwords[email]) for email, _ in STAFF}
        firm_account = _firm_account(recall, users)
        program = _program(firm_account, recall, users[STAFF[0][0]])
    credentials = [(email, role.label, passwords[email]) for email, role in STAFF]
    return DemoSetup(firm_account=firm_account, program=program, credentials=credentials)


class Command(BaseCommand):
    help = "Create the demo firm, its staff and Belkin's program for recall 26-090 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials-file",
            type=Path,
            default=None,
            help="Where the demo passwords are kept (default: var/demo-credentials.txt).",
        )

    def handle(self, *args, credentials_file: Path | None = None, **options):
        path = credentials_file or Path(settings.VAR_DIR) / "demo-credentials.txt"
        setup = demo_program_load(credentials_path=path)
        site = settings.SITE_URL
        self.stdout.write(f"Demo firm: {setup.firm_account.name}")
        self.stdout.write(f"Staff log in at {site}{reverse('accounts:login')} with:")
        for email, role, password in setup.credentials:
            self.stdout.write(f"  {role:<9} {email:<30} password: {password}")
        program_url = reverse("claims_staff:program_detail", args=[setup.program.slug])
        self.stdout.write(f"Demo program: {site}{program_url}")
        self.stdout.write(f"(The passwords are kept in {path}; never commit that file.)")
