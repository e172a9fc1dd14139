"""Django admin for the registry: recalls with their products and firms, and what imports did."""

from django.contrib import admin

from recalldesk.registry.models import (
    Firm,
    ImportRun,
    Product,
    Recall,
    RecallChange,
    RecallFirm,
    SourceRecord,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by imports: an editor may read them, never change them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ("position", "name", "product_type", "units_text")


class RecallFirmInline(admin.TabularInline):
    model = RecallFirm
    extra = 0
    autocomplete_fields = ("firm",)
    fields = ("role", "firm", "published_name")


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    extra = 0
    can_delete = False
    fields = ("source_format", "published_date", "content_hash", "last_changed_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RecallChangeInline(admin.TabularInline):
    model = RecallChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "kind", "source_format", "source_name", "fields")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Recall)
class RecallAdmin(admin.ModelAdmin):
    list_display = ("number", "agency", "recall_date", "title", "units_total")
    list_filter = ("agency", "recall_date")
    search_fields = ("number", "number_normalized", "title", "product_name", "firms__name")
    date_hierarchy = "recall_date"
    ordering = ("-recall_date", "-number_normalized")
    readonly_fields = ("created_at", "updated_at")
    inlines = (ProductInline, RecallFirmInline, SourceRecordInline, RecallChangeInline)
    show_full_result_count = False


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ("name", "location", "key")
    search_fields = ("name", "key", "location")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "recall", "product_type")
    search_fields = ("name", "recall__number_normalized")
    list_select_related = ("recall",)
    raw_id_fields = ("recall",)


@admin.register(SourceRecord)
class SourceRecordAdmin(ReadOnlyAdmin):
    list_display = ("recall", "source_format", "published_date", "last_changed_at")
    list_filter = ("source_format",)
    search_fields = ("recall__number_normalized",)
    list_select_related = ("recall",)


@admin.register(RecallChange)
class RecallChangeAdmin(ReadOnlyAdmin):
    list_display = ("recall", "kind", "source_format", "source_name", "changed_at")
    list_filter = ("kind", "source_format")
    search_fields = ("recall__number_normalized", "source_name")
    list_select_related = ("recall",)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "source_name",
        "source_format",
        "started_at",
        "created",
        "updated",
        "unchanged",
        "rejected",
    )
    list_filter = ("source_format",)
    search_fields = ("source_name", "file_sha256")
