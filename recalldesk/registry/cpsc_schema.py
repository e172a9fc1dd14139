"""CPSC's Recalls API record schema (saferproducts.gov RestWebServices/Recall), from a Recall."""

import datetime as dt
from typing import Any

from recalldesk.registry.cpsc_selectors import (
    DATE_PARAMETERS,
    FIRM_PARAMETERS,
    TEXT_PARAMETERS,
)
from recalldesk.registry.models import FirmRole, Recall

CPSC_RECORD_KEYS = (
    "RecallID",
    "RecallNumber",
    "RecallDate",
    "Description",
    "URL",
    "Title",
    "ConsumerContact",
    "LastPublishDate",
    "Products",
    "Inconjunctions",
    "Images",
    "Injuries",
    "Manufacturers",
    "Retailers",
    "Importers",
    "Distributors",
    "SoldAtLabel",
    "ManufacturerCountries",
    "ProductUPCs",
    "Hazards",
    "Remedies",
    "RemedyOptions",
)


def _cpsc_date(value: dt.date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00" if value else None


def _text(item: Any, key: str) -> str:
    """Text stored as a plain string or under this key of a dict."""
    if isinstance(item, dict):
        return str(item.get(key) or "")
    return str(item) if item else ""


def _firms(recall: Recall, role: str) -> list[dict]:
    return [
        {"Name": link.published_name or link.firm.name, "CompanyID": ""}
        for link in recall.firm_links.all()
        if link.role == role
    ]


def _products(recall: Recall) -> list[dict]:
    products = [
        {
            "Name": product.name,
            "Description": product.description,
            "Model": "",
            "Type": product.product_type,
            "CategoryID": product.category_id,
            "NumberOfUnits": product.units_text or recall.units_text,
        }
        for product in recall.products.all()
    ]
    if not products and recall.product_name:
        products = [
            {
                "Name": recall.product_name,
                "Description": "",
                "Model": "",
                "Type": "",
                "CategoryID": "",
                "NumberOfUnits": recall.units_text,
            }
        ]
    return products


def _injuries(recall: Recall) -> list[dict]:
    texts = [recall.incidents_text, recall.injuries_text]
    return [{"Name": text} for i, text in enumerate(texts) if text and text not in texts[:i]]


def cpsc_record_built(recall: Recall) -> dict[str, Any]:
    """A CPSC record made from Recall Desk's fields, for a recall CPSC's API never sent us."""
    return {
        "RecallID": recall.cpsc_recall_id,
        "RecallNumber": recall.number_normalized,
        "RecallDate": _cpsc_date(recall.recall_date),
        "Description": recall.description,
        "URL": recall.url,
        "Title": recall.title,
        "ConsumerContact": recall.consumer_contact,
        "LastPublishDate": _cpsc_date(recall.last_published_date or recall.recall_date),
        "Products": _products(recall),
        "Inconjunctions": [
            {"URL": url} for url in (_text(j, "url") for j in recall.joint_recalls) if url
        ],
        "Images": [
            {"URL": _text(image, "url"), "Caption": _text(image, "caption")}
            for image in recall.images
        ],
        "Injuries": _injuries(recall),
        "Manufacturers": _firms(recall, FirmRole.MANUFACTURER),
        "Retailers": (
            [{"Name": recall.sold_at_text, "CompanyID": ""}] if recall.sold_at_text else []
        ),
        "Importers": _firms(recall, FirmRole.IMPORTER),
        "Distributors": _firms(recall, FirmRole.DISTRIBUTOR),
        "SoldAtLabel": recall.sold_at_label or None,
        "ManufacturerCountries": [
            {"Country": country} for country in recall.manufacture_country_list
        ],
        "ProductUPCs": [{"UPC": _text(upc, "upc")} for upc in recall.product_upcs],
        "Hazards": (
            [{"Name": recall.hazard, "HazardType": "", "HazardTypeID": ""}] if recall.hazard else []
        ),
        "Remedies": [{"Name": recall.remedy_text}] if recall.remedy_text else [],
        "RemedyOptions": [{"Option": option} for option in recall.remedy_type_list],
    }


def cpsc_record(recall: Recall) -> dict[str, Any]:
    """The recall as CPSC's API writes it: CPSC's own record verbatim when it sent one."""
    sources = getattr(recall, "cpsc_json_records", None)
    if sources is None:
        sources = list(recall.source_records.filter(source_format="cpsc-json"))
    if sources and isinstance(sources[0].payload, dict):
        payload = sources[0].payload
        # Verbatim, in CPSC's key order; a key CPSC left out is filled from our fields.
        built = None
        record = {}
        for key in CPSC_RECORD_KEYS:
            if key in payload:
                record[key] = payload[key]
            else:
                built = built or cpsc_record_built(recall)
                record[key] = built[key]
        return record
    return cpsc_record_built(recall)


def _parameter_doc(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


_DATE = {"type": "string", "format": "date"}
CPSC_OPENAPI_PATHS: dict[str, Any] = {
    "/RestWebServices/Recall": {
        "get": {
            "operationId": "cpsc_recalls",
            "summary": "CPSC-compatible recall search",
            "description": (
                "Answers like saferproducts.gov's RestWebServices/Recall, so a client written "
                "for CPSC's API can point here. Parameter names are case-insensitive; text "
                "parameters match a substring, case-insensitively; every parameter given "
                "must match. With no parameter, every recall is returned (streamed). Unlike "
                "CPSC, a bad date, an unknown parameter or a format other than json answers "
                '400 {"detail": "..."} naming the parameter, and Hazard, UPC and '
                "ManufacturerCountry really filter. Dates: YYYY-MM-DD or YYYY-MM-DDT00:00:00."
            ),
            "tags": ["CPSC-compatible"],
            "parameters": [
                _parameter_doc("format", "Only json is served (the default).", {"enum": ["json"]}),
                _parameter_doc("RecallID", "CPSC's record id.", {"type": "integer"}),
                _parameter_doc("RecallNumber", "26-090 or 26090."),
                *(_parameter_doc(name, "A date, YYYY-MM-DD.", _DATE) for name in DATE_PARAMETERS),
                *(_parameter_doc(name, "Text to find (substring).") for name in TEXT_PARAMETERS),
                *(
                    _parameter_doc(name, f"Part of the {role}'s name.")
                    for name, role in FIRM_PARAMETERS.items()
                    if name not in TEXT_PARAMETERS
                ),
            ],
            "responses": {
                "200": {
                    "description": "A JSON list of recall records in CPSC's schema.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": list(CPSC_RECORD_KEYS),
                                },
                            }
                        }
                    },
                },
                "400": {"description": 'A bad parameter: {"detail": "..."}.'},
            },
        }
    }
}
