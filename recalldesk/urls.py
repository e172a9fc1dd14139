from django.contrib import admin
from django.urls import include, path

from recalldesk.api import api
from recalldesk.registry.cpsc_api import cpsc_recalls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("recalldesk.accounts.urls")),
    path("api/", api.urls),
    # CPSC's own path, so a client written for saferproducts.gov only changes the host.
    path("RestWebServices/Recall", cpsc_recalls, name="cpsc-recalls"),
    path("claims/", include("recalldesk.claims.urls_owner")),
    path("claims/", include("recalldesk.claims.urls")),
    path("firm/", include("recalldesk.claims.urls_review")),
    path("firm/", include("recalldesk.claims.urls_staff")),
    path("firm/", include("recalldesk.claims.urls_evidence")),
    path("firm/", include("recalldesk.ledger.urls")),
    path("", include("recalldesk.identify.urls")),
    path("", include("recalldesk.registry.urls")),
]
