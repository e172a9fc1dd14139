"""The "Check your product" page: parse the form, ask the lookup engine, render the verdicts."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from recalldesk.identify.engine import LookupInputError, lookup
from recalldesk.identify.forms import FIELDS, CheckForm
from recalldesk.identify.present import check_url, lookup_result_as_dict
from recalldesk.identify.selectors import lookup_index_current

LABELS = {
    "RECALLED": "Recalled",
    "NOT_AFFECTED": "Not affected",
    "NEED_SERIAL": "Serial number needed",
    "POSSIBLE": "Possible match",
    "NO_MATCH": "No match",
}
SUMMARIES = {
    "RECALLED": "Your product is recalled. Stop using it.",
    "NOT_AFFECTED": "Your product is not part of the recall below.",
    "NEED_SERIAL": "The answer depends on the serial number.",
    "POSSIBLE": "We found a near match. Check the number on your product.",
    "NO_MATCH": "No recall in the registry matches.",
}


def _is_htmx_partial(request: HttpRequest) -> bool:
    # A history restore asks for the whole page even though htmx sends it.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _check(form: CheckForm) -> dict | None:
    """The verdicts for a valid form, or None with the problem added to the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        result = lookup(
            lookup_index_current(),
            model=data["model"],
            serial=data["serial"],
            upc=data["upc"],
            q=data["q"],
        )
    except LookupInputError as error:
        form.add_error(error.field if error.field in FIELDS else None, str(error))
        return None
    shaped = lookup_result_as_dict(result)
    shaped["summary"] = SUMMARIES[shaped["best"]]
    words = result.q or result.model or result.upc
    shaped["search_url"] = f"{reverse('registry:recall_list')}?{urlencode({'q': words})}"
    shaped["by_words"] = any(v["match"] == "text" for v in shaped["verdicts"])
    for verdict in shaped["verdicts"]:
        verdict["label"] = LABELS[verdict["kind"]]
        if verdict["suggestion"]:
            verdict["check_url"] = check_url(model=verdict["suggestion"], serial=result.serial)
        verdict["model_links"] = [
            {"model": m, "url": check_url(model=m, serial=result.serial)} for m in verdict["models"]
        ]
    return shaped


def check(request: HttpRequest) -> HttpResponse:
    """The check form and, once asked, the verdicts; only the verdicts for htmx."""
    asked = any(name in request.GET for name in FIELDS)
    form = CheckForm(request.GET if asked else None, label_suffix="")
    result = _check(form) if asked else None
    status = 400 if asked and result is None else 200
    context = {"check_form": form, "check_result": result, "prefix": "check", "show_words": True}
    template = "identify/_verdicts.html" if _is_htmx_partial(request) else "identify/check.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
