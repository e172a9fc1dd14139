from django.urls import path

from recalldesk.claims import views_evidence

app_name = "claims_evidence"

urlpatterns = [
    path("evidence/<int:pk>/", views_evidence.evidence_file, name="file"),
]
