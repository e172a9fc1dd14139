"""Forms of the firm's program pages: they parse what staff typed; services decide."""

from datetime import date, datetime, time
from decimal import Decimal

from django import forms
from django.utils import timezone

from recalldesk.accounts.models import FirmAccount
from recalldesk.claims.models import Country, Currency, DestructionProof, Program, SerialRuleKind
from recalldesk.claims.programs import ProductSuggestion, ProgramTerms, SerialRuleInput
from recalldesk.registry.models import Recall
from recalldesk.registry.selectors import recall_get

RECEIPT_CHOICES = [
    ("optional", "Optional: without one, the refund is the model's average price"),
    ("required", "Required: no claim without a receipt"),
]
COUNTRY_CURRENCY_CHOICES = [("", "Not served"), *Currency.choices]
HUNDRED = Decimal("100")


class DateInput(forms.DateInput):
    input_type = "date"


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def day_end(day: date) -> datetime:
    # Claims are accepted through the whole closing day, in the site's time zone.
    return timezone.make_aware(datetime.combine(day, time.max))


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


class ProgramForm(forms.Form):
    name = forms.CharField(
        label="Program name", max_length=200, help_text="Owners see it on the claim form."
    )
    opens_on = forms.DateField(label="Opens for claims on", widget=DateInput)
    closes_on = forms.DateField(
        label="Closes on (optional)",
        required=False,
        widget=DateInput,
        help_text="Claims are accepted through this day. Leave empty for no closing date.",
    )
    receipt = forms.ChoiceField(
        label="Receipt", choices=RECEIPT_CHOICES, widget=forms.RadioSelect, initial="optional"
    )
    required_photos = forms.CharField(
        label="Photos owners must upload",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, e.g. “Back of the product, showing the serial number”.",
    )
    destruction_proof = forms.ChoiceField(
        label="Proof of destruction", choices=DestructionProof.choices
    )
    refund_offered = forms.BooleanField(
        label="Refund (the receipt amount, else the model's average price)", required=False
    )
    store_credit_offered = forms.BooleanField(label="Store credit", required=False)
    store_credit_bonus_percent = forms.DecimalField(
        label="Store credit bonus (%)",
        required=False,
        min_value=0,
        max_value=Decimal("999.99"),
        decimal_places=2,
        help_text="20 makes store credit worth 120% of the refund; 0 for no bonus.",
    )
    replacement_offered = forms.BooleanField(label="Replacement", required=False)
    repair_offered = forms.BooleanField(label="Repair", required=False)
    currency_us = forms.ChoiceField(
        label=f"Currency for owners in the {Country.US.label}",
        choices=COUNTRY_CURRENCY_CHOICES,
        required=False,
    )
    currency_ca = forms.ChoiceField(
        label=f"Currency for owners in {Country.CA.label}",
        choices=COUNTRY_CURRENCY_CHOICES,
        required=False,
    )
    disposal_instructions = forms.CharField(
        label="Disposal instructions",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown to owners after they file a claim.",
    )
    claims_per_contact_threshold = forms.IntegerField(
        label="Flag a claim when this many claims share an e-mail, phone or address",
        min_value=1,
        max_value=1000,
        initial=3,
    )

    REMEDY_FIELDS = (
        "refund_offered",
        "store_credit_offered",
        "replacement_offered",
        "repair_offered",
    )

    def clean(self):
        data = super().clean()
        if data.get("store_credit_offered") and data.get("store_credit_bonus_percent") is None:
            self.add_error("store_credit_bonus_percent", "Give the bonus in percent, 0 for none.")
        if not any(data.get(name) for name in self.REMEDY_FIELDS):
            raise forms.ValidationError("Offer at least one remedy.")
        if not (data.get("currency_us") or data.get("currency_ca")):
            raise forms.ValidationError("Choose the currency of at least one country.")
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date.")
        return data

    def terms(self) -> ProgramTerms:
        data = self.cleaned_data
        currencies = {
            country: data[f"currency_{country.lower()}"]
            for country in Country.values
            if data.get(f"currency_{country.lower()}")
        }
        bonus = None
        if data["store_credit_offered"]:
            bonus = data["store_credit_bonus_percent"] / HUNDRED
        return ProgramTerms(
            name=data["name"],
            opens_at=day_start(data["opens_on"]),
            closes_at=day_end(data["closes_on"]) if data["closes_on"] else None,
            receipt_required=data["receipt"] == "required",
            required_photos=tuple(data["required_photos"].splitlines()),
            destruction_proof=data["destruction_proof"],
            refund_offered=data["refund_offered"],
            store_credit_bonus_rate=bonus,
            replacement_offered=data["replacement_offered"],
            repair_offered=data["repair_offered"],
            currencies=currencies,
            disposal_instructions=data["disposal_instructions"],
            claims_per_contact_threshold=data["claims_per_contact_threshold"],
        )


def bonus_percent(rate: Decimal | None) -> str | None:
    """A bonus rate as the percent staff type: 0.2000 is "20", 0.1250 is "12.5"."""
    if rate is None:
        return None
    return f"{(rate * HUNDRED).normalize():f}"


def program_initial(program: Program) -> dict:
    """The form's initial values from a program."""
    bonus = program.store_credit_bonus_rate
    return {
        "name": program.name,
        "opens_on": local_day(program.opens_at),
        "closes_on": local_day(program.closes_at),
        "receipt": "required" if program.receipt_required else "optional",
        "required_photos": "\n".join(program.required_photos),
        "destruction_proof": program.destruction_proof,
        "refund_offered": program.refund_offered,
        "store_credit_offered": bonus is not None,
        "store_credit_bonus_percent": bonus_percent(bonus),
        "replacement_offered": program.replacement_offered,
        "repair_offered": program.repair_offered,
        "currency_us": program.currencies.get(Country.US, ""),
        "currency_ca": program.currencies.get(Country.CA, ""),
        "disposal_instructions": program.disposal_instructions,
        "claims_per_contact_threshold": program.claims_per_contact_threshold,
    }


class ProgramCreateForm(ProgramForm):
    firm_account = forms.ModelChoiceField(
        label="Firm", queryset=FirmAccount.objects.none(), empty_label=None
    )
    recall_number = forms.CharField(
        label="Recall number", max_length=40, help_text="As published, e.g. 26-090."
    )

    field_order = ["firm_account", "recall_number", "name"]

    def __init__(self, *args, firm_accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm_account"].queryset = firm_accounts
        self.fields["name"].required = False
        self.fields[
            "name"
        ].help_text = "Owners see it on the claim form; empty: the recall's title."

    def clean_recall_number(self) -> Recall:
        number = self.cleaned_data["recall_number"]
        recall = recall_get(number=number)
        if recall is None:
            raise forms.ValidationError(
                f"There is no recall {number} in the registry; check the number, e.g. 26-090."
            )
        return recall

    def clean(self):
        data = super().clean()
        recall = data.get("recall_number")
        if recall is not None and not data.get("name"):
            data["name"] = recall.title[:200]
        return data


class ProductForm(forms.Form):
    model_number = forms.CharField(label="Model number", max_length=100)
    name = forms.CharField(
        label="Product name", max_length=200, help_text="As owners know it, e.g. “Power bank”."
    )
    serial_rule_kind = forms.ChoiceField(
        label="Serial numbers included",
        choices=SerialRuleKind.choices,
        widget=forms.RadioSelect,
        initial=SerialRuleKind.ALL,
    )
    serial_prefix = forms.CharField(
        label="Serial numbers start with", required=False, max_length=50
    )
    serial_length = forms.IntegerField(
        label="Serial number length (characters)",
        required=False,
        min_value=1,
        max_value=50,
        help_text="With a prefix; leave empty when the length varies.",
    )
    serial_range_start = forms.CharField(label="First serial number", required=False, max_length=50)
    serial_range_end = forms.CharField(label="Last serial number", required=False, max_length=50)
    serial_help = forms.CharField(
        label="Where the serial number is printed",
        required=False,
        max_length=300,
        help_text="Shown to owners, e.g. “Printed on the bottom of the charging stand.”",
    )

    def clean(self):
        data = super().clean()
        kind = data.get("serial_rule_kind")
        if kind == SerialRuleKind.PREFIX and not data.get("serial_prefix"):
            self.add_error("serial_prefix", "Give the characters the serial numbers start with.")
        if kind == SerialRuleKind.RANGE:
            for name in ("serial_range_start", "serial_range_end"):
                if not data.get(name):
                    self.add_error(name, "Give both ends of the range.")
        return data

    def rule(self) -> SerialRuleInput:
        data = self.cleaned_data
        return SerialRuleInput(
            kind=data["serial_rule_kind"],
            prefix=data["serial_prefix"],
            length=data["serial_length"],
            range_start=data["serial_range_start"],
            range_end=data["serial_range_end"],
        )


def product_initial_from_suggestion(suggestion: ProductSuggestion) -> dict:
    rule = suggestion.rule
    return {
        "model_number": suggestion.model_number,
        "name": suggestion.name,
        "serial_rule_kind": rule.kind,
        "serial_prefix": rule.prefix,
        "serial_length": rule.length,
        "serial_range_start": rule.range_start,
        "serial_range_end": rule.range_end,
        "serial_help": suggestion.serial_help,
    }


class PricesForm(forms.Form):
    """One amount per currency the program pays in."""

    is_demo_value = forms.BooleanField(
        label="These are demo values, not the firm's real average prices", required=False
    )

    def __init__(self, *args, currencies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.currencies = currencies
        for currency in currencies:
            self.fields[f"amount_{currency.lower()}"] = forms.DecimalField(
                label=f"Average price in {currency}",
                required=False,
                min_value=Decimal("0.01"),
                max_digits=10,
                decimal_places=2,
                help_text="e.g. 59.99; empty leaves it as it is.",
            )
        self.order_fields([f"amount_{c.lower()}" for c in currencies])

    def amounts(self) -> dict[str, Decimal]:
        return {
            currency: self.cleaned_data[f"amount_{currency.lower()}"]
            for currency in self.currencies
            if self.cleaned_data.get(f"amount_{currency.lower()}") is not None
        }
