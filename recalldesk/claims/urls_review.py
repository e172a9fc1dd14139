"""The review back office, mounted at /firm/ beside the staff pages (claims/urls_staff.py).

Every page takes a program slug or a claim number and is scoped to the user's firms;
test_review_pages.py walks this list, so a page added here is checked for isolation too.
"""

from django.urls import path

from recalldesk.claims import views_review

app_name = "claims_review"

urlpatterns = [
    path("programs/<slug:slug>/review/", views_review.queue, name="queue"),
    path("programs/<slug:slug>/review/export.csv", views_review.export, name="export"),
    path(
        "programs/<slug:slug>/review/approve-clean/",
        views_review.bulk_approve,
        name="bulk_approve",
    ),
    path("review/claims/<str:number>/", views_review.claim_page, name="claim"),
    path("review/claims/<str:number>/start/", views_review.start, name="start"),
    path("review/claims/<str:number>/approve/", views_review.approve, name="approve"),
    path("review/claims/<str:number>/reject/", views_review.reject, name="reject"),
    path(
        "review/claims/<str:number>/request-info/",
        views_review.request_info,
        name="request_info",
    ),
]
