"""Django admin for identifiers and serial rules: staff correct, add and hide what extraction read.

Any edit a person makes sets the origin to "staff", so re-extraction leaves the row alone.
Hiding (suppressing) is preferred to deleting: a deleted extraction comes back on the next
import, a suppressed one does not.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from recalldesk.identify.models import Identifier, Origin, SerialRule
from recalldesk.identify.rules import IdentificationError, identifier_clean, serial_rule_clean
from recalldesk.registry.models import Recall


class IdentifierForm(forms.ModelForm):
    class Meta:
        model = Identifier
        fields = (
            "recall",
            "product",
            "kind",
            "value",
            "where_printed",
            "source_sentence",
            "suppressed",
        )

    def clean(self):
        data = super().clean()
        recall = data.get("recall") or self.instance.recall_id
        kind, value = data.get("kind"), data.get("value")
        if not (kind and value):
            return data
        try:
            normalized = identifier_clean(kind=kind, value=value)
        except IdentificationError as error:
            raise forms.ValidationError({"value": str(error)}) from None
        recall_id = getattr(recall, "pk", recall)
        clash = Identifier.objects.filter(recall_id=recall_id, kind=kind, normalized=normalized)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                {"value": f"This recall already lists {value} as a {kind}."}
            )
        product = data.get("product")
        if product is not None and recall_id and product.recall_id != recall_id:
            raise forms.ValidationError({"product": "Choose a product of this recall."})
        self.instance.normalized = normalized
        if self.has_changed():
            _mark_staff(self.instance, self.changed_data)
        return data


class SerialRuleForm(forms.ModelForm):
    values = forms.CharField(
        required=False,
        help_text="Lot, batch or date codes, separated by commas.",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    class Meta:
        model = SerialRule
        fields = (
            "recall",
            "identifier",
            "kind",
            "prefix",
            "length",
            "range_start",
            "range_end",
            "values",
            "where_printed",
            "source_sentence",
            "suppressed",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["values"] = ", ".join(self.instance.values or [])

    def clean_values(self) -> list[str]:
        return [v.strip() for v in (self.cleaned_data.get("values") or "").split(",") if v.strip()]

    def clean(self):
        data = super().clean()
        try:
            serial_rule_clean(
                kind=data.get("kind") or "",
                prefix=data.get("prefix") or "",
                length=data.get("length"),
                range_start=data.get("range_start") or "",
                range_end=data.get("range_end") or "",
                values=data.get("values") or [],
            )
        except IdentificationError as error:
            raise forms.ValidationError(str(error)) from None
        identifier, recall = data.get("identifier"), data.get("recall") or self.instance.recall_id
        recall_id = getattr(recall, "pk", recall)
        if identifier is not None and recall_id and identifier.recall_id != recall_id:
            raise forms.ValidationError({"identifier": "Choose a model number of this recall."})
        if self.has_changed():
            _mark_staff(self.instance, self.changed_data)
        return data


def _mark_staff(row: Identifier | SerialRule, changed: list[str]) -> None:
    """A person touched the row: it is theirs now, unless they only hid or showed it."""
    if set(changed) - {"suppressed"}:
        first_reading = not getattr(row, "extracted_normalized", True)
        if isinstance(row, Identifier) and row.origin == Origin.EXTRACTED and first_reading:
            stored = Identifier.objects.filter(pk=row.pk).values_list("normalized", flat=True)
            row.extracted_normalized = stored.first() or ""
        row.origin = Origin.STAFF


@admin.action(description="Hide the selected rows from lookups")
def suppress(modeladmin, request, queryset):
    # update() does not stamp auto_now fields; the lookup index's check reads updated_at.
    count = queryset.update(suppressed=True, updated_at=timezone.now())
    modeladmin.message_user(request, f"{count} hidden; re-extraction will not bring them back.")


@admin.action(description="Show the selected rows in lookups again")
def restore(modeladmin, request, queryset):
    count = queryset.update(suppressed=False, updated_at=timezone.now())
    modeladmin.message_user(request, f"{count} shown again.", messages.SUCCESS)


@admin.register(Identifier)
class IdentifierAdmin(admin.ModelAdmin):
    form = IdentifierForm
    list_display = ("value", "kind", "recall", "where_printed", "origin", "suppressed")
    list_filter = ("kind", "origin", "suppressed")
    search_fields = (
        "value",
        "normalized",
        "recall__number",
        "recall__number_normalized",
        "recall__title",
    )
    list_select_related = ("recall",)
    autocomplete_fields = ("recall",)
    raw_id_fields = ("product",)
    readonly_fields = ("normalized", "origin", "extracted_normalized")
    actions = (suppress, restore)
    show_full_result_count = False


@admin.register(SerialRule)
class SerialRuleAdmin(admin.ModelAdmin):
    form = SerialRuleForm
    list_display = ("__str__", "kind", "identifier", "recall", "origin", "suppressed")
    list_filter = ("kind", "origin", "suppressed")
    search_fields = ("prefix", "range_start", "range_end", "recall__number", "identifier__value")
    list_select_related = ("recall", "identifier")
    autocomplete_fields = ("recall", "identifier")
    readonly_fields = ("origin", "extracted_key")
    actions = (suppress, restore)
    show_full_result_count = False


class IdentifierInline(admin.TabularInline):
    model = Identifier
    form = IdentifierForm
    extra = 0
    fields = ("kind", "value", "where_printed", "origin", "suppressed")
    readonly_fields = ("origin",)
    show_change_link = True


class SerialRuleInline(admin.TabularInline):
    model = SerialRule
    form = SerialRuleForm
    extra = 0
    fields = (
        "identifier",
        "kind",
        "prefix",
        "length",
        "range_start",
        "range_end",
        "values",
        "origin",
        "suppressed",
    )
    readonly_fields = ("origin",)
    raw_id_fields = ("identifier",)
    show_change_link = True


# The recall page is the registry's; its identifiers and rules are shown on it from here, so the
# registry does not depend on identify (see the layout in STYLE.md).
_recall_admin = admin.site._registry.get(Recall)
if _recall_admin is not None and IdentifierInline not in _recall_admin.inlines:
    _recall_admin.inlines = (*_recall_admin.inlines, IdentifierInline, SerialRuleInline)
