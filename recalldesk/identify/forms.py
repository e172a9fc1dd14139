"""The "Check your product" form: what a person types, before the lookup engine reads it."""

from django import forms

from recalldesk.identify.engine.lookup import MAX_CODE_LENGTH, MAX_TEXT_LENGTH, MAX_UPC_LENGTH

FIELDS = ("model", "serial", "upc", "q")


class CheckForm(forms.Form):
    """Model number with an optional serial, or a UPC, or a few words; all optional alone."""

    model = forms.CharField(
        required=False,
        max_length=MAX_CODE_LENGTH,
        label="Model number",
        help_text="Printed on a label on the product, often on the bottom or back, e.g. MMA008.",
    )
    serial = forms.CharField(
        required=False,
        max_length=MAX_CODE_LENGTH,
        label="Serial number (optional)",
        help_text="Some recalls include only some serial numbers, lot or date codes.",
    )
    upc = forms.CharField(
        required=False,
        max_length=MAX_UPC_LENGTH,
        label="UPC (optional)",
        help_text="The 12 digits under the barcode on the box.",
    )
    q = forms.CharField(
        required=False,
        max_length=MAX_TEXT_LENGTH,
        label="Or a few words (optional)",
        help_text="Brand and product, e.g. belkin power bank.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not any(data.get(f) for f in ("model", "upc", "q")):
            if data.get("serial"):
                self.add_error("model", "Add the model number printed next to the serial number.")
            else:
                raise forms.ValidationError(
                    "Enter a model number, a UPC, or a few words about the product."
                )
        return data
