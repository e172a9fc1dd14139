"""Firm accounts: the organizations that run recalls here, their staff and their roles."""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """A staff member's role within one firm account; what each may do is in permissions.py."""

    ADMIN = "admin", "Admin"
    COORDINATOR = "coordinator", "Coordinator"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


class RegulatorAgency(models.TextChoices):
    # The same codes as registry.Agency, without FIRM: a firm is not a regulator.
    CPSC = "CPSC", "U.S. Consumer Product Safety Commission"
    HEALTH_CANADA = "HC", "Health Canada"


class FirmAccount(models.Model):
    """An organization that runs recalls on Recall Desk, e.g. Belkin."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the firm's web pages.")
    registry_firm = models.ForeignKey(
        "registry.Firm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="firm_accounts",
        help_text="The firm as published in recalls, so its recalls can be found.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("firm_account", "user"),
        related_name="firm_accounts",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one firm account; a user may belong to several firms."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    firm_account = models.ForeignKey(
        FirmAccount, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["firm_account", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "firm_account"], name="membership_one_per_user_and_firm"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.firm_account}"


class RegulatorProfile(models.Model):
    """Marks a user as a regulator: reads every firm's programs and claims, changes nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regulator_profile"
    )
    agency = models.CharField(max_length=8, choices=RegulatorAgency.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.agency})"


class ApiToken(models.Model):
    """A firm's key to the firm API; only a hash is kept, the token is shown once."""

    firm_account = models.ForeignKey(
        FirmAccount, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'Payments system'.")
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, so an admin can tell which token a system holds.
    prefix = models.CharField(max_length=12)
    # Decisions made through the API are recorded as this user's, named "API token <name>";
    # it has no usable password and is deactivated when the token is revoked.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["firm_account", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.firm_account})"
