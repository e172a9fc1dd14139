"""The owner's side of claims: the claim form, its confirmation and the private status page."""

from django.urls import path

from recalldesk.claims import views_public, views_public_submit

app_name = "claims"

urlpatterns = [
    # Before the program's pages, so no program slug can shadow the status pages.
    path("status/<str:token>/", views_public_submit.claim_status, name="status"),
    path("<slug:program_slug>/", views_public.claim_start, name="start"),
    path("<slug:program_slug>/check/", views_public.claim_eligibility, name="eligibility"),
    path("<slug:program_slug>/review/", views_public_submit.claim_review, name="review"),
    path("<slug:program_slug>/submitted/", views_public_submit.claim_submitted, name="submitted"),
    path("<slug:program_slug>/<str:step>/", views_public.claim_step, name="step"),
]
