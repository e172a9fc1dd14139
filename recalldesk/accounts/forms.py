"""Forms of the staff pages: log in, password reset, adding staff and changing roles."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from recalldesk.accounts.models import Role

User = get_user_model()


def _same_email(first: str, second: str) -> bool:
    def fold(value: str) -> str:
        return unicodedata.normalize("NFKC", value.strip()).casefold()

    return fold(first) == fold(second)


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with an e-mail address (or username), whatever its letter case."""

    username = forms.CharField(
        label="E-mail address",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter a correct e-mail address and password. The password is case-sensitive."
        ),
    }

    def clean_username(self) -> str:
        typed = self.cleaned_data["username"].strip()
        # Staff are created with their e-mail, lower case, as username; people type it as
        # they like, and an operator may have a username apart from the e-mail.
        for lookup in ("username__iexact", "email__iexact"):
            matches = list(
                User.objects.filter(**{lookup: typed}).values_list("username", flat=True)[:2]
            )
            if len(matches) == 1:
                return matches[0]
        return typed


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form, also for staff invited but who have not set a password yet."""

    def get_users(self, email: str):
        # Django skips users without a usable password (meant for external log-in); here
        # those are invited staff whose invitation e-mail was lost, and they need the link.
        users = User.objects.filter(email__iexact=email.strip(), is_active=True)
        # As Django does: iexact may match a look-alike address under Unicode case folding,
        # and the link must go only to the address that was typed.
        return (user for user in users if _same_email(email, user.email))


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.VIEWER)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
