"""The owner's pages after filing: add information when a reviewer asks, confirm disposal.

Mounted under claims/ before claims/urls.py, whose "<program_slug>/<step>/" would otherwise
take "information/<token>/" for a step of a program called "information".
"""

from django.urls import path

from recalldesk.claims import views_owner

app_name = "claims_owner"

urlpatterns = [
    path(
        "information/received/",
        views_owner.information_received,
        name="information_received",
    ),
    path("information/<str:token>/", views_owner.add_information, name="add_information"),
    path("status/<str:token>/disposal/", views_owner.disposal_confirm, name="disposal"),
]
