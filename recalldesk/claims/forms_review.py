"""The review queue's filter form and the reviewer's decision forms: they parse, never write."""

from django import forms

from recalldesk.claims.exports import ClaimFilters
from recalldesk.claims.models import ClaimStatus, Country, Program

AGE_CHOICES = [
    ("", "Any age"),
    ("2", "Waiting more than 2 days"),
    ("7", "Waiting more than 7 days"),
    ("30", "Waiting more than 30 days"),
]
SIGNAL_CHOICES = [("", "With or without"), ("yes", "With fraud signals"), ("no", "Without")]


class QueueFilterForm(forms.Form):
    """The filters of the queue and its CSV export, read from the address's query string."""

    status = forms.ChoiceField(required=False, choices=[("", "Every status"), *ClaimStatus.choices])
    product = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    signals = forms.ChoiceField(required=False, choices=SIGNAL_CHOICES, label="Fraud signals")
    age = forms.TypedChoiceField(
        required=False, choices=AGE_CHOICES, coerce=int, empty_value=None, label="Age"
    )
    country = forms.ChoiceField(required=False, choices=[("", "Every country"), *Country.choices])

    def __init__(self, data, *, program: Program):
        super().__init__(data)
        self.fields["product"].choices = [("", "Every product")] + [
            (product.pk, f"{product.model_number}, {product.name}")
            for product in program.products.all()
        ]

    def filters(self) -> ClaimFilters:
        """The filters chosen; a value that is not one of the choices is ignored, not an error."""
        self.is_valid()
        valid = self.cleaned_data
        signals = valid.get("signals", "")
        return ClaimFilters(
            status=valid.get("status") or None,
            product_id=valid.get("product"),
            has_fraud_signals={"yes": True, "no": False}.get(signals),
            older_than_days=valid.get("age"),
            country=valid.get("country") or None,
        )


class RejectForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for rejecting",
        help_text="The owner reads this on their status page and in the e-mail.",
        error_messages={"required": "Give the reason the owner will read."},
    )


class RequestInfoForm(forms.Form):
    message = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What the owner should add",
        help_text="E-mailed to the owner with a link to add files; the claim comes back here.",
        error_messages={"required": "Say what information the owner should add."},
    )
