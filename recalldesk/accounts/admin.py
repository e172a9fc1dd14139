"""Operators' registrations. Writes here bypass the services' role checks: operators only."""

from django.contrib import admin

from recalldesk.accounts.models import FirmAccount, Membership, RegulatorProfile


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "firm_account"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["added_by", "created_at"]


@admin.register(FirmAccount)
class FirmAccountAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "registry_firm", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["registry_firm"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "firm_account", "role", "created_at"]
    list_filter = ["role", "firm_account"]
    search_fields = ["user__email", "user__username", "firm_account__name"]
    autocomplete_fields = ["user", "firm_account"]
    readonly_fields = ["added_by", "created_at"]


@admin.register(RegulatorProfile)
class RegulatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "created_at"]
    list_filter = ["agency"]
    autocomplete_fields = ["user"]
