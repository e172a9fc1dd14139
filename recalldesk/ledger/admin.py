"""Read-only admin views of the ledger: money moves through the services, never by hand."""

from django.contrib import admin

from recalldesk.ledger.models import LedgerEntry, PayoutBatch, PayoutBatchItem, StoreCredit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["claim", "kind", "amount", "currency", "program", "created_at"]
    list_filter = ["kind", "currency"]
    search_fields = ["claim__number"]


class PayoutBatchItemInline(admin.TabularInline):
    model = PayoutBatchItem
    extra = 0
    can_delete = False
    readonly_fields = ["claim", "amount"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "program", "currency", "total", "status", "created_at", "confirmed_at"]
    list_filter = ["status", "currency"]
    inlines = [PayoutBatchItemInline]


@admin.register(StoreCredit)
class StoreCreditAdmin(ReadOnlyAdmin):
    list_display = ["claim", "value", "currency", "issued_at"]
    search_fields = ["claim__number", "code"]
    # The code works like cash: the admin list does not show it; the claim's payout page does.
    exclude = ["code"]
