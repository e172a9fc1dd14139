"""The registry's JSON API: recalls, filtered and paginated, and one recall by its number."""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from recalldesk.registry.schemas import ErrorOut, RecallOut, RecallPageOut, RecallQuery
from recalldesk.registry.selectors import (
    RecallFilters,
    recall_get,
    recall_with_details,
    recalls_search,
)

router = Router()


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


@router.get("", response=RecallPageOut, summary="Search recalls")
def recalls_list(request: HttpRequest, filters: Query[RecallQuery]):
    """Recalls matching the filters, newest recall date first, then by number (stable).

    A page past the last one answers 200 with no results and the true count, so a client
    can tell "nothing more" from "bad request"; a page below 1 or a page_size above 100 is 400.
    """
    recalls = recalls_search(
        filters=RecallFilters(
            q=filters.q,
            date_from=filters.date_from,
            date_to=filters.date_to,
            hazard=filters.hazard,
            remedy_type=filters.remedy_type.value if filters.remedy_type else "",
            retailer=filters.retailer,
            firm=filters.firm,
            country=filters.country,
            agency=filters.agency.value if filters.agency else "",
        )
    )
    count = recalls.count()
    start = (filters.page - 1) * filters.page_size
    end = start + filters.page_size
    results = list(recall_with_details(recalls)[start:end]) if start < count else []
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "next": _page_url(request, filters.page + 1) if end < count else None,
        "previous": (
            _page_url(request, min(filters.page - 1, -(-count // filters.page_size)))
            if filters.page > 1 and count
            else None
        ),
        "results": results,
    }


@router.get(
    "/{number}",
    response={200: RecallOut, 404: ErrorOut},
    summary="One recall by its number",
)
def recall_detail(request: HttpRequest, number: str):
    """The recall numbered 26-090 or 26090 (either spelling), with every field."""
    recall = recall_get(number=number)
    if recall is None:
        raise HttpError(
            404, f"No recall is numbered {number[:60]!r}. Search with GET /api/recalls?q=..."
        )
    return recall
