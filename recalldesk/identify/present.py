"""A lookup result shaped for the API and the pages, with links to this site's recall pages."""

from functools import lru_cache
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from recalldesk.identify.engine import LookupResult


@lru_cache(maxsize=8192)
def recall_page(number: str) -> str:
    """The path of the recall's page on this site ('' when the number cannot be a URL)."""
    if not number:
        return ""
    try:
        return reverse("registry:recall_detail", args=[number])
    except NoReverseMatch:
        return ""


def check_url(*, model: str, serial: str = "") -> str:
    """The check page asked again with this model (a "did you mean" link)."""
    query = {"model": model, **({"serial": serial} if serial else {})}
    return f"{reverse('identify:check')}?{urlencode(query)}"


def lookup_result_as_dict(result: LookupResult) -> dict:
    """Plain values: what GET /api/lookup returns and what the templates read."""
    return {
        "best": result.best,
        "model": result.model,
        "serial": result.serial,
        "upc": result.upc,
        "q": result.q,
        "verdicts": [
            {
                "kind": v.kind,
                "reason": v.reason,
                "match": v.match,
                "recall_number": v.recall_number,
                "recall_title": v.recall_title,
                "recall_url": v.recall_url,
                "recall_page": recall_page(v.recall_number),
                "recall_date": v.recall_date,
                "model": v.model,
                "identifier_kind": v.identifier_kind,
                "product_name": v.product_name,
                "rule": v.rule,
                "where_printed": v.where_printed,
                "suggestion": v.suggestion,
                "if_confirmed": v.if_confirmed,
                "models": list(v.models),
            }
            for v in result.verdicts
        ],
    }
