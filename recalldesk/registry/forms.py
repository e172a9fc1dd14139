"""Forms that parse what a person types into the public pages."""

from django import forms

from recalldesk.registry.models import RemedyType
from recalldesk.registry.selectors import RecallFilters, manufacture_countries

TEXT_LIMIT = 200


class RecallSearchForm(forms.Form):
    """The recall list's search box and filters; every field optional."""

    q = forms.CharField(
        required=False,
        max_length=TEXT_LIMIT,
        strip=True,
        label="Model number, product or brand",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    date_from = forms.DateField(
        required=False,
        label="Recalled on or after",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2025-11-13."},
    )
    date_to = forms.DateField(
        required=False,
        label="Recalled on or before",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2025-11-13."},
    )
    hazard = forms.CharField(
        required=False, max_length=TEXT_LIMIT, label="Hazard words", help_text="e.g. fire burn"
    )
    remedy_type = forms.ChoiceField(
        required=False,
        label="Remedy",
        choices=[("", "Any remedy"), *RemedyType.choices],
    )
    retailer = forms.CharField(
        required=False, max_length=TEXT_LIMIT, label="Sold at", help_text="e.g. Walmart"
    )
    firm = forms.CharField(
        required=False, max_length=TEXT_LIMIT, label="Firm", help_text="e.g. Belkin"
    )
    country = forms.ChoiceField(required=False, label="Made in")

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "Any country")] + [
            (name, name) for name in manufacture_countries()
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(
                "date_to",
                f"The end date ({date_to:%Y-%m-%d}) is before the start date "
                f"({date_from:%Y-%m-%d}); swap them or clear one.",
            )
        return cleaned

    def error_message(self) -> str:
        """Every error on one line, for answers that cannot show the form."""
        return "; ".join(
            f"{self.fields[name].label if name in self.fields else 'Search'}: {' '.join(errors)}"
            for name, errors in self.errors.items()
        )

    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields)

    def to_filters(self) -> RecallFilters:
        data = self.cleaned_data
        return RecallFilters(
            q=data.get("q") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            hazard=data.get("hazard") or "",
            remedy_type=data.get("remedy_type") or "",
            retailer=data.get("retailer") or "",
            firm=data.get("firm") or "",
            country=data.get("country") or "",
        )
