"""The firm's payout pages, mounted at /firm/."""

from django.urls import path

from recalldesk.ledger import views

app_name = "ledger"

urlpatterns = [
    path("programs/<slug:slug>/payouts/", views.payout_list, name="payout_list"),
    path("payouts/<int:batch_id>/", views.payout_detail, name="payout_detail"),
    path("payouts/<int:batch_id>/csv/", views.payout_csv, name="payout_csv"),
    path("payouts/<int:batch_id>/confirm/", views.payout_confirm, name="payout_confirm"),
]
