"""The claim form's steps: each parses and checks one page of answers; none writes anything."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from recalldesk.claims.eligibility import eligibility_check
from recalldesk.claims.evidence import EvidenceRejected, evidence_validate
from recalldesk.claims.models import (
    Country,
    DestructionProof,
    EvidenceKind,
    PayoutMethod,
    Program,
    Remedy,
)
from recalldesk.claims.submission import ClaimRejected, ClaimSubmission, amount_parse
from recalldesk.claims.submission_contact import contact_check, payout_check

IMAGE_TYPES = (
    ".jpg,.jpeg,.png,.heic,.heif,.webp,image/jpeg,image/png,image/heic,image/heif,image/webp"
)
RECEIPT_TYPES = f"{IMAGE_TYPES},.pdf,application/pdf"
CONTACT_NAMES = (
    "owner_name",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
)


def country_choices(program: Program) -> list[tuple[str, str]]:
    """The countries the program serves, in the order of Country, with their names."""
    served = set(program.currencies or {})
    return [(code, label) for code, label in Country.choices if code in served]


class ProductForm(forms.Form):
    product = forms.TypedChoiceField(
        label="Which product do you have?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the product you have."},
    )
    country = forms.ChoiceField(
        label="Where do you live?",
        help_text="Refunds and store credit are paid in the currency of your country.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the country you live in."},
    )

    def __init__(self, *args, program: Program, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.products = {product.id: product for product in program.products.all()}
        self.fields["product"].choices = [
            (product.id, f"{product.name}, model {product.model_number}")
            for product in self.products.values()
        ]
        countries = country_choices(program)
        self.fields["country"].choices = countries
        if len(countries) == 1:
            # Nothing to ask: the program serves one country.
            self.fields["country"].required = False
            self.fields["country"].widget = forms.HiddenInput()
            self.initial.setdefault("country", countries[0][0])

    def clean_country(self) -> str:
        return self.cleaned_data.get("country") or self.fields["country"].choices[0][0]


class ModelSerialForm(forms.Form):
    model_number = forms.CharField(
        label="Model number",
        max_length=100,
        error_messages={"required": "Enter the model number printed on the product."},
    )
    serial_number = forms.CharField(
        label="Serial number",
        max_length=60,
        error_messages={"required": "Enter the serial number printed on the product."},
    )

    def __init__(
        self, *args, program: Program, check_url: str, serial_help: str = "", **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.eligibility = None
        self.fields["model_number"].help_text = "On the label of the product, e.g. MMA008."
        self.fields["serial_number"].help_text = serial_help or (
            "Usually on the same label as the model number."
        )
        for field in self.fields.values():
            field.widget.attrs.update(
                {
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "autocapitalize": "characters",
                    # The verdict as the owner types, after a short pause; the newest wins.
                    "hx-get": check_url,
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-include": "#id_model_number, #id_serial_number",
                    "hx-target": "#eligibility",
                    "hx-swap": "innerHTML",
                    "hx-sync": "closest form:replace",
                }
            )

    def clean(self) -> dict:
        data = super().clean()
        model_number, serial_number = data.get("model_number"), data.get("serial_number")
        if not model_number or not serial_number:
            return data
        result = eligibility_check(
            program=self.program, model_number=model_number, serial_number=serial_number
        )
        self.eligibility = result
        if result.status == "eligible" and result.product is not None:
            return data
        # The message already names the rule or the model the owner probably meant.
        field = "serial_number" if result.status in {"not_eligible", "need_serial"} else None
        self.add_error(field or "model_number", result.message)
        return data


class ProofForm(forms.Form):
    """The receipt, its amount, the program's photos and, if asked, proof of destruction.

    A file sent earlier for this draft counts: the field is then optional, and a new file
    replaces it. Every new file is checked by evidence_validate here, at its step.
    """

    def __init__(self, *args, program: Program, stored: dict, currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.stored = stored
        # The files sent with this request that passed evidence_validate: name -> (file, result).
        self.checked: dict[str, tuple[UploadedFile, object]] = {}
        self.photo_labels: dict[str, str] = {}
        self.fields["receipt"] = forms.FileField(
            label="Receipt" if program.receipt_required else "Receipt (optional)",
            required=program.receipt_required and "receipt" not in stored,
            help_text=(
                "A photo or scan of the receipt, or a PDF: JPEG, PNG, HEIC, WebP or PDF."
                if program.receipt_required
                else "A photo or scan of the receipt, or a PDF. Without a receipt, the refund "
                "is the model's average price."
            ),
            error_messages={"required": "Upload a photo or PDF of your receipt."},
            widget=forms.FileInput(attrs={"accept": RECEIPT_TYPES}),
        )
        if not program.receipt_required and "receipt" in stored:
            self.fields["remove_receipt"] = forms.BooleanField(
                label="Remove the receipt I uploaded", required=False
            )
        self.fields["receipt_amount"] = forms.CharField(
            label=f"Amount on the receipt ({currency})",
            required=False,
            max_length=40,
            help_text="The price you paid for this product, e.g. 59.99.",
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )
        for index, label in enumerate(program.required_photos or [], start=1):
            key = f"photo-{index}"
            self.photo_labels[key] = label
            self.fields[key] = forms.FileField(
                label=f"Photo: {label}",
                required=key not in stored,
                help_text="A JPEG, PNG, HEIC or WebP photo, at most 10 MB.",
                error_messages={"required": f"Upload a photo: {label}."},
                widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
            )
        if program.destruction_proof == DestructionProof.PHOTO:
            self.fields["destruction"] = forms.FileField(
                label="Photo of the product made unusable",
                required="destruction" not in stored,
                help_text="For example the cut cord. A JPEG, PNG, HEIC or WebP photo.",
                error_messages={"required": "Upload a photo of the product made unusable."},
                widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
            )

    def file_kind(self, name: str) -> str:
        if name == "receipt":
            return EvidenceKind.RECEIPT
        if name == "destruction":
            return EvidenceKind.DESTRUCTION
        return EvidenceKind.PHOTO

    def file_label(self, name: str) -> str:
        if name == "receipt":
            return "Receipt"
        if name == "destruction":
            return "Proof of destruction"
        return self.photo_labels[name]

    def _clean_upload(self, name: str) -> None:
        upload = self.cleaned_data.get(name)
        if not upload:
            return
        try:
            validated = evidence_validate(upload=upload, kind=self.file_kind(name))
        except EvidenceRejected as error:
            self.add_error(name, str(error))
            return
        self.checked[name] = (upload, validated)

    def clean(self) -> dict:
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.FileField) and name not in self.errors:
                self._clean_upload(name)
        has_receipt = bool(data.get("receipt")) or (
            "receipt" in self.stored and not data.get("remove_receipt")
        )
        raw_amount = (data.get("receipt_amount") or "").strip()
        amount = None
        if raw_amount:
            try:
                amount = amount_parse(raw_amount)
            except ClaimRejected as error:
                self.add_error("receipt_amount", error.message)
        if amount is not None and not has_receipt and "receipt" not in self.errors:
            self.add_error(
                "receipt",
                "Upload the receipt that shows this amount, or leave the amount empty: "
                "without a receipt the refund is the model's average price.",
            )
        if has_receipt and not raw_amount:
            self.add_error("receipt_amount", "Enter the amount on the receipt, e.g. 59.99.")
        data["receipt_amount"] = amount
        data["has_receipt"] = has_receipt
        return data


class RemedyForm(forms.Form):
    remedy = forms.ChoiceField(
        label="What would you like?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a refund or store credit."},
    )

    def __init__(self, *args, options: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.fields["remedy"].choices = [(option["value"], option["label"]) for option in options]
        if len(options) > 1:
            names = " or ".join(option["name"].lower() for option in options)
            self.fields["remedy"].error_messages["required"] = f"Choose {names}."


PAYOUT_CHOICES = [
    (PayoutMethod.CHECK, "Check by mail"),
    (PayoutMethod.PAYPAL, "PayPal"),
    (PayoutMethod.BANK_TRANSFER, "Bank transfer"),
]
PAYOUT_HINTS = {
    PayoutMethod.CHECK: "Mailed to the address above. Nothing more to enter; takes longest.",
    PayoutMethod.PAYPAL: "Fastest. Paid to the PayPal account of the e-mail address below.",
    PayoutMethod.BANK_TRANSFER: (
        "The firm's payment provider e-mails you a secure link to enter your bank details. "
        "We don't ask for account numbers here, so they are never kept with your claim."
    ),
}


class ContactForm(forms.Form):
    owner_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your full name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="We send your claim number and every update here.",
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=40,
        required=False,
        help_text="Only used if the reviewer has a question.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    address_line1 = forms.CharField(
        label="Street address",
        max_length=200,
        error_messages={"required": "Enter your street address."},
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        label="Apartment, suite, unit (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City",
        max_length=100,
        error_messages={"required": "Enter your city."},
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    region = forms.CharField(
        label="State",
        max_length=100,
        error_messages={"required": "Enter your state."},
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(
        label="ZIP code",
        max_length=20,
        error_messages={"required": "Enter your ZIP code."},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )

    def __init__(self, *args, country: str, refund: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        if country == "CA":
            self.fields["region"].label = "Province or territory"
            self.fields["region"].error_messages["required"] = "Enter your province or territory."
            self.fields["postal_code"].label = "Postal code"
            self.fields["postal_code"].error_messages["required"] = "Enter your postal code."
        if refund:
            self.fields["payout_method"] = forms.ChoiceField(
                label="How should we pay your refund?",
                choices=PAYOUT_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how we should pay your refund."},
            )
            self.fields["paypal_email"] = forms.EmailField(
                label="PayPal e-mail address",
                max_length=254,
                required=False,
                help_text="Only for PayPal: the e-mail address of your PayPal account.",
                error_messages={"invalid": "Enter an e-mail address like name@example.com."},
                widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        # The same checks claim_submit makes, so what passes here passes at submit.
        submission = ClaimSubmission(
            **{name: data.get(name) or "" for name in CONTACT_NAMES},
            remedy=Remedy.REFUND if "payout_method" in self.fields else Remedy.STORE_CREDIT,
            payout_method=data.get("payout_method") or "",
            payout_details={"paypal_email": data.get("paypal_email") or ""},
        )
        try:
            contact = contact_check(submission=submission, country=self.country)
            payout_method, details = payout_check(submission=submission, remedy=submission.remedy)
        except ClaimRejected as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return data
        data.update({name: getattr(contact, name) for name in CONTACT_NAMES})
        data["payout_method"] = payout_method
        data["paypal_email"] = details.get("paypal_email", "")
        return data
