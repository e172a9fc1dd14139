from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from recalldesk.accounts import views, views_tokens
from recalldesk.accounts.forms import EmailAuthenticationForm, StaffPasswordResetForm

app_name = "accounts"

# Django's own auth views, with our templates: the admin app's templates of the same
# registration/ names would win over ours, so ours live under accounts/.
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=StaffPasswordResetForm,
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("firm/", views.firm_list, name="home"),
    path("firm/<slug:slug>/staff/", views.firm_staff, name="firm_staff"),
    path("firm/<slug:slug>/staff/add/", views.staff_add, name="staff_add"),
    path(
        "firm/<slug:slug>/staff/<int:membership_id>/role/",
        views.membership_role_change,
        name="membership_role_change",
    ),
    path(
        "firm/<slug:slug>/staff/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("firm/<slug:slug>/api-tokens/", views_tokens.api_tokens, name="api_tokens"),
    path(
        "firm/<slug:slug>/api-tokens/create/",
        views_tokens.api_token_create,
        name="api_token_create",
    ),
    path(
        "firm/<slug:slug>/api-tokens/<int:token_id>/revoke/",
        views_tokens.api_token_revoke,
        name="api_token_revoke",
    ),
]
