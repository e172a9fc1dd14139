"""The public pages of the registry: parse the request, call a selector, render."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from recalldesk.registry import selectors
from recalldesk.registry.forms import RecallSearchForm
from recalldesk.registry.templatetags import recall_format

LATEST_ON_HOME = 10


def home(request: HttpRequest) -> HttpResponse:
    """One search box and the latest recalls."""
    context = {
        "latest": selectors.recalls_latest(limit=LATEST_ON_HOME),
        "total": selectors.recalls_search(filters=selectors.RecallFilters()).count(),
    }
    return render(request, "registry/home.html", context)


def _page_number(raw: str | None, num_pages: int) -> int:
    # A page past the end or not a number shows the nearest real page rather than an error.
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        number = 1
    return min(max(number, 1), num_pages)


def _is_htmx_partial(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though htmx sends it.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def recall_list(request: HttpRequest) -> HttpResponse:
    """Search and filters over all recalls, paginated; the list alone for htmx."""
    form = RecallSearchForm(request.GET or None)
    page: Page | None = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.to_filters() if form.is_bound else selectors.RecallFilters()
        paginator = Paginator(selectors.recalls_search(filters=filters), settings.RECALLS_PAGE_SIZE)
        page = paginator.page(_page_number(request.GET.get("page"), paginator.num_pages))
    partial = _is_htmx_partial(request)
    context = {"form": form, "page": page, "partial": partial}
    template = "registry/_results.html" if partial else "registry/list.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def recall_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One recall, everything a consumer needs, at its published number."""
    recall = selectors.recall_get(number=number)
    if recall is None:
        raise Http404(f"No recall numbered {number[:40]} is in the registry.")
    if number != recall.number:
        return redirect("registry:recall_detail", recall.number, permanent=True)
    lithium_ion = recall_format.involves_lithium_ion(recall)
    context = {
        "recall": recall,
        "what_to_do": recall_format.what_to_do(recall),
        "lithium_ion": lithium_ion,
        "remedy_disposal": [] if lithium_ion else recall_format.remedy_disposal_text(recall),
        "images": recall_format.image_links(recall),
        "joint_recalls": recall_format.joint_recall_links(recall),
        "firm_links": list(recall.firm_links.all()),
        "products": list(recall.products.all()),
        "source_records": list(recall.source_records.order_by("source_format")),
        "changes": list(recall.changes.all()[:50]),
    }
    return render(request, "registry/detail.html", context)
