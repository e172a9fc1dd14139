"""Serving evidence files to the staff of the firm that runs the program, and to regulators."""

import re
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_safe

from recalldesk.claims.evidence_storage import evidence_get_for_user, evidence_open


@login_required
@require_safe
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """One evidence file, shown in the browser; 404 for anyone outside the program's firm."""
    evidence = evidence_get_for_user(user=request.user, pk=pk)
    handle = evidence_open(evidence=evidence)
    extension = PurePosixPath(evidence.stored_name).suffix
    # Made from our own values only; the claim number is filtered all the same.
    claim_number = re.sub(r"[^A-Za-z0-9-]", "", evidence.claim.number) or "claim"
    filename = f"claim-{claim_number}-{evidence.kind}-{evidence.pk}{extension}"
    response = FileResponse(
        handle, content_type=evidence.content_type, as_attachment=False, filename=filename
    )
    # Personal data: kept out of shared caches and the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if evidence.content_type == "application/pdf":
        # A PDF can carry scripts and forms; sandboxed, it runs as an origin of its own.
        response["Content-Security-Policy"] = "sandbox"
    return response
