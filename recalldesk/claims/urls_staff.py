"""The firm's staff pages of programs and claims, mounted at /firm/.

Every page with a program slug, product id or claim number is scoped to the user's firms;
test_isolation.py walks this list, so a page added here is checked for isolation too.
"""

from django.urls import path
from django.views.generic import RedirectView

from recalldesk.claims import views_staff

app_name = "claims_staff"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="claims_staff:program_list"), name="home"),
    path("programs/", views_staff.program_list, name="program_list"),
    path("programs/new/", views_staff.program_create, name="program_create"),
    path("programs/<slug:slug>/", views_staff.program_detail, name="program_detail"),
    path("programs/<slug:slug>/edit/", views_staff.program_edit, name="program_edit"),
    path("programs/<slug:slug>/products/add/", views_staff.product_add, name="product_add"),
    path(
        "programs/<slug:slug>/products/<int:product_id>/",
        views_staff.product_edit,
        name="product_edit",
    ),
    path(
        "programs/<slug:slug>/products/<int:product_id>/prices/",
        views_staff.prices_set,
        name="prices_set",
    ),
    path("programs/<slug:slug>/claims/", views_staff.claim_list, name="claim_list"),
    path("claims/<str:number>/", views_staff.claim_detail, name="claim_detail"),
]
