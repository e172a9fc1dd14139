"""Reads of the registry: the one place recall searches and filters are defined."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from recalldesk.registry.models import Product, Recall, RecallFirm
from recalldesk.registry.sources.parsing import normalize_recall_number


@dataclass(frozen=True, kw_only=True)
class RecallFilters:
    """What a person can narrow the recall list by; every field optional."""

    q: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    hazard: str = ""
    remedy_type: str = ""
    retailer: str = ""
    firm: str = ""
    country: str = ""
    agency: str = ""


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w][:12]


def recalls_search(*, filters: RecallFilters) -> QuerySet[Recall]:
    """Recalls matching the filters, newest first, in a stable order."""
    qs = Recall.objects.all()
    for word in _words(filters.q):
        number = normalize_recall_number(word)
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(product_name__icontains=word)
            | Q(description__icontains=word)
            | Q(firms__name__icontains=word)
            | Q(number_normalized=number)
        )
    if filters.date_from:
        qs = qs.filter(recall_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(recall_date__lte=filters.date_to)
    for word in _words(filters.hazard):
        qs = qs.filter(hazard__icontains=word)
    if filters.remedy_type:
        qs = qs.filter(remedy_types__icontains=f"|{filters.remedy_type}|")
    if filters.retailer:
        qs = qs.filter(Q(sold_at_text__icontains=filters.retailer))
    if filters.firm:
        qs = qs.filter(firms__name__icontains=filters.firm)
    if filters.country:
        qs = qs.filter(manufacture_countries__icontains=f"|{filters.country}")
    if filters.agency:
        qs = qs.filter(agency=filters.agency)
    # Joins through firms can repeat a recall; keep ids distinct without DISTINCT on big columns.
    if filters.q or filters.firm:
        qs = Recall.objects.filter(pk__in=qs.values("pk"))
    return qs.order_by("-recall_date", "-number_normalized", "-id")


def recall_with_details(qs: QuerySet[Recall]) -> QuerySet[Recall]:
    """Prefetch what a recall page or API record shows, to avoid a query per row."""
    return qs.prefetch_related(
        Prefetch("products", queryset=Product.objects.order_by("position")),
        Prefetch("firm_links", queryset=RecallFirm.objects.select_related("firm").order_by("id")),
    )


def recall_get(*, number: str, agency: str | None = None) -> Recall | None:
    """The recall with this number, however it is written (26-090, 26090); None if unknown."""
    normalized = normalize_recall_number(number)
    if not normalized:
        return None
    qs = Recall.objects.filter(number_normalized=normalized)
    if agency:
        qs = qs.filter(agency=agency)
    return recall_with_details(qs).order_by("agency").first()


def recalls_latest(*, limit: int = 10) -> QuerySet[Recall]:
    return Recall.objects.order_by("-recall_date", "-number_normalized", "-id")[:limit]


def manufacture_countries() -> list[str]:
    """Every country of manufacture named in the registry, for a filter's choices."""
    names: set[str] = set()
    for value in Recall.objects.exclude(manufacture_countries="").values_list(
        "manufacture_countries", flat=True
    ):
        names.update(c for c in value.split("|") if c)
    return sorted(names)
