"""Operators' registrations. Writes here bypass the services' role checks: operators only."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from recalldesk.accounts.models import ApiToken, FirmAccount, Membership, RegulatorProfile
from recalldesk.accounts.tokens import api_token_revoke_as_operator


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators see and revoke tokens; a firm's admin makes them on the firm's pages, where
    the plain token is shown once, so none is made or edited here."""

    list_display = ["name", "firm_account", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["firm_account", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "firm_account__name"]
    readonly_fields = [field.name for field in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Deleting would lose who made the decisions recorded under the token's service user.
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            api_token_revoke_as_operator(token=token)
        self.message_user(request, f"Revoked {len(live)} token(s).", messages.SUCCESS)
