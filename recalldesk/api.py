"""The one JSON API of Recall Desk: each app adds its router here."""

from typing import Any

from django.core.exceptions import ValidationError as DomainValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestValidationError

from recalldesk.identify.api import router as identify_router
from recalldesk.ratelimit import RateLimitExceeded, ratelimit_response
from recalldesk.registry.api import router as registry_router
from recalldesk.registry.cpsc_schema import CPSC_OPENAPI_PATHS


class RecallDeskAPI(NinjaAPI):
    """NinjaAPI that also documents the CPSC-compatible endpoint, served outside /api/."""

    def get_openapi_schema(self, **kwargs: Any):
        schema = super().get_openapi_schema(**kwargs)
        schema["paths"].update(CPSC_OPENAPI_PATHS)
        return schema


api = RecallDeskAPI(
    title="Recall Desk API",
    version="1.0.0",
    description=(
        "Product-safety recalls as Recall Desk holds them. Errors answer with "
        '{"detail": "..."}: 400 for a bad parameter, 404 for an unknown recall.'
    ),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)
api.add_router("/recalls", registry_router, tags=["recalls"])
api.add_router("/claims", "recalldesk.claims.api.router")
api.add_router("/firm", "recalldesk.claims.api_firm.router")
api.add_router("/", identify_router)


_SOURCES = {"query", "path", "body", "header", "cookie", "form", "file"}


def _parameter_name(location: tuple) -> str:
    # ninja reports ("query", "page"); the person wants "page".
    names = [str(part) for part in location if part not in _SOURCES]
    return ".".join(names) or "request"


@api.exception_handler(RequestValidationError)
def on_request_validation_error(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    # pydantic's error context can hold exception objects that JSON cannot encode; keep text.
    errors = [
        {"parameter": _parameter_name(tuple(error.get("loc", ()))), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    detail = "; ".join(f"{error['parameter']}: {error['message']}" for error in errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(DomainValidationError)
def on_domain_error(request: HttpRequest, exc: DomainValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=400)


# An operation under @ratelimit, or calling ratelimit_enforce, answers 429 with Retry-After.
api.add_exception_handler(RateLimitExceeded, ratelimit_response)
