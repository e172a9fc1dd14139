"""Reads behind the CPSC-compatible endpoint: CPSC's search parameters over the registry."""

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from recalldesk.registry.models import FirmRole, Recall, SourceRecord
from recalldesk.registry.selectors import recall_with_details
from recalldesk.registry.sources.parsing import normalize_recall_number

CPSC_JSON_FORMAT = "cpsc-json"

# CPSC matches text parameters by substring; each names the fields that hold that text here.
# Verbatim CPSC payload values live in SourceRecord; the importer copies them into these fields.
TEXT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "RecallURL": ("url",),
    "RecallTitle": ("title",),
    "ConsumerContact": ("consumer_contact",),
    "RecallDescription": ("description",),
    "ProductName": ("product_name", "products__name"),
    "ProductDescription": ("products__description",),
    # Model numbers are almost never in a structured field: CPSC prints them in the text.
    "ProductModel": ("description", "products__name", "products__description"),
    "ProductType": ("products__product_type",),
    "InconjunctionCountry": ("joint_recalls",),  # and _JOINT_RECALL_HOSTS
    "ImageURL": ("images",),
    "Injury": ("incidents_text", "injuries_text"),
    "ManufacturerCountry": ("manufacture_countries", "manufactured_in"),
    "UPC": ("product_upcs", "description"),
    "Hazard": ("hazard", "hazard_types"),
    "Remedy": ("remedy_text", "consumer_action"),
    "RemedyOption": ("remedy_types",),
    "Retailer": ("sold_at_text", "retailers"),
}
FIRM_PARAMETERS: dict[str, str] = {
    "Manufacturer": FirmRole.MANUFACTURER,
    "Importer": FirmRole.IMPORTER,
    "Distributor": FirmRole.DISTRIBUTOR,
    # Also text: CPSC's Retailers hold the whole "Sold At" sentence.
    "Retailer": FirmRole.RETAILER,
}
DATE_PARAMETERS: dict[str, tuple[str, str]] = {
    "RecallDateStart": ("recall_date", "gte"),
    "RecallDateEnd": ("recall_date", "lte"),
    "LastPublishDateStart": ("last_published_date", "gte"),
    "LastPublishDateEnd": ("last_published_date", "lte"),
}
NUMBER_PARAMETERS = ("RecallID", "RecallNumber")
# A joint recall is stored as its link; the country is known by the agency's web host.
_JOINT_RECALL_HOSTS: dict[str, tuple[str, ...]] = {
    "canada": (".gc.ca/", ".canada.ca/"),
    "mexico": (".gob.mx/",),
    "australia": (".gov.au/",),
    "new zealand": (".govt.nz/",),
}

Criteria = Mapping[str, Sequence[str | int | dt.date]]


_JSON_FIELDS = {
    field.name for field in Recall._meta.get_fields() if isinstance(field, models.JSONField)
}


def _as_text(field: str) -> str:
    # JSONField's own icontains compares JSON-encoded values; search the stored text instead.
    return f"{field}_as_text" if field in _JSON_FIELDS else field


def _text_filter(fields: tuple[str, ...], value: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{_as_text(field)}__icontains": value})
    return condition


def _firm_filter(role: str, value: str) -> Q:
    # The name as this recall published it, as CPSC matches: a firm's canonical name may be
    # a longer spelling from another recall, which this record would not show.
    return Q(firm_links__role=role, firm_links__published_name__icontains=value)


def recalls_cpsc_search(*, criteria: Criteria) -> QuerySet[Recall]:
    """Recalls matching every CPSC parameter given (values of one parameter all must match)."""
    qs = Recall.objects.alias(
        **{_as_text(field): Cast(field, models.TextField()) for field in _JSON_FIELDS}
    )
    joined = False
    for name, values in criteria.items():
        for value in values:
            if name == "RecallID":
                qs = qs.filter(cpsc_recall_id=value)
            elif name == "RecallNumber":
                qs = qs.filter(number_normalized=normalize_recall_number(str(value)))
            elif name in DATE_PARAMETERS:
                field, lookup = DATE_PARAMETERS[name]
                qs = qs.filter(**{f"{field}__{lookup}": value})
            else:
                fields = TEXT_PARAMETERS.get(name, ())
                condition = _text_filter(fields, str(value))
                if name == "InconjunctionCountry":
                    hosts = _JOINT_RECALL_HOSTS.get(str(value).casefold(), ())
                    for host in hosts:
                        condition |= _text_filter(("joint_recalls",), host)
                if name in FIRM_PARAMETERS:
                    condition |= _firm_filter(FIRM_PARAMETERS[name], str(value))
                qs = qs.filter(condition)
                joined = joined or name in FIRM_PARAMETERS or any("__" in f for f in fields)
    if joined:
        # Joins through products and firms repeat a recall; keep each once.
        qs = Recall.objects.filter(pk__in=qs.values("pk"))
    return qs.order_by("-recall_date", "-number_normalized", "-id")


def recalls_cpsc_records(*, recalls: QuerySet[Recall], chunk_size: int = 200) -> Iterator[Recall]:
    """The recalls with what a CPSC record needs, read a chunk at a time to bound memory."""
    qs = recall_with_details(recalls).prefetch_related(
        Prefetch(
            "source_records",
            queryset=SourceRecord.objects.filter(source_format=CPSC_JSON_FORMAT),
            to_attr="cpsc_json_records",
        )
    )
    return qs.iterator(chunk_size=chunk_size)
