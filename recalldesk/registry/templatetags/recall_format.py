"""How a recall's facts read on a page: units per country, price range, sale period, disposal."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.urls import NoReverseMatch, reverse

from recalldesk.registry.models import Agency, Recall

register = template.Library()

COUNTRY_NAMES = {
    "US": "the United States",
    "USA": "the United States",
    "U.S.": "the United States",
    "UNITED STATES": "the United States",
    "CA": "Canada",
    "MX": "Mexico",
    "GB": "the United Kingdom",
    "UK": "the United Kingdom",
    "AU": "Australia",
    "NZ": "New Zealand",
    "DE": "Germany",
    "FR": "France",
    "JP": "Japan",
    "CN": "China",
}
CURRENCY_SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "AUD": "A$", "MXN": "MX$"}
SOURCE_FORMAT_NAMES = {
    "cpsc-csv": "cpsc.gov recall search (CSV export)",
    "cpsc-json": "CPSC Recalls API (JSON)",
    "health-canada-json": "Health Canada open data (JSON)",
}

_LITHIUM = re.compile(r"lithium|\bli-?ion\b|\bli ion\b|battery pack|power ?bank", re.IGNORECASE)
_DISPOSAL = re.compile(r"dispos|discard|destroy|throw (it |them )?away|\btrash\b", re.IGNORECASE)
_APPROXIMATE = re.compile(r"\b(about|approximately|around|nearly)\b", re.IGNORECASE)
# A full stop ends a sentence unless it closes a short abbreviation (U.S., Inc., e.g.).
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z]\.[A-Z]\.)(?<!\bInc\.)(?<!\bCo\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bNo\.)"
    r"(?<=[.!?])\s+(?=[A-Z“\"(])"
)


def sentences(text: str) -> list[str]:
    """The sentences of a published paragraph, in order."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


def country_name(key: str) -> str:
    """A readable country name from the code or name an importer stored."""
    cleaned = str(key).strip()
    return COUNTRY_NAMES.get(cleaned.upper(), cleaned)


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).replace(",", ""))
    except (TypeError, ValueError):
        return None


def _approximately(units_text: str, units: int) -> bool:
    # The agency qualifies each number on its own: "22,850 (In addition, about 1,977 in Canada)".
    written = f"(?:{re.escape(f'{units:,}')}|{units})"
    return bool(re.search(rf"{_APPROXIMATE.pattern}\s+{written}(?![\d,])", units_text, re.I))


_PUBLISHED_ORDER = ("US", "CA", "MX")


def _country_order(item: tuple[str, object]) -> tuple[int, str]:
    key = item[0]
    rank = _PUBLISHED_ORDER.index(key) if key in _PUBLISHED_ORDER else len(_PUBLISHED_ORDER)
    return rank, key


@register.filter
def units_per_country(recall: Recall) -> str:
    """'About 83,500 in the United States; about 2,385 in Canada', or '' when unknown."""
    units_text = recall.units_text or ""
    parts = []
    by_country = recall.units_by_country if isinstance(recall.units_by_country, dict) else {}
    # PostgreSQL's jsonb keeps keys sorted (CA before US): put them in the order CPSC writes.
    for key, value in sorted(by_country.items(), key=_country_order):
        units = _as_int(value)
        if units is None:
            continue
        qualifier = "about " if _approximately(units_text, units) else ""
        parts.append(f"{qualifier}{units:,} in {country_name(key)}")
    if not parts and recall.units_total is not None:
        qualifier = "about " if _approximately(units_text, recall.units_total) else ""
        parts.append(f"{qualifier}{recall.units_total:,}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _money(amount: Decimal, symbol: str) -> str:
    if amount == amount.to_integral_value():
        return f"{symbol}{amount:,.0f}"
    return f"{symbol}{amount:,.2f}"


@register.filter
def price_range(recall: Recall) -> str:
    """'$29 to $180' (or one price), from the Decimal prices and their currency."""
    currency = (recall.price_currency or "").upper()
    if not currency and recall.agency == Agency.CPSC:
        currency = "USD"
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} " if currency else "")
    low, high = recall.price_min, recall.price_max
    try:
        low = Decimal(low) if low is not None else None
        high = Decimal(high) if high is not None else None
    except InvalidOperation:
        return ""
    if low is not None and high is not None and low != high:
        return f"{_money(low, symbol)} to {_money(high, symbol)}"
    single = low if low is not None else high
    return _money(single, symbol) if single is not None else ""


@register.filter
def sale_period(recall: Recall) -> str:
    """'August 2020 to August 2025', from the first and last month of sale."""
    start, end = recall.sold_from, recall.sold_to
    if start and end:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%B %Y}"
        return f"{start:%B %Y} to {end:%B %Y}"
    if start:
        return f"from {start:%B %Y}"
    if end:
        return f"until {end:%B %Y}"
    return ""


def involves_lithium_ion(recall: Recall) -> bool:
    """True when the recall's words name lithium-ion batteries, power banks or battery packs."""
    text = " ".join([recall.title, recall.product_name, recall.hazard, recall.description])
    return bool(_LITHIUM.search(text))


def remedy_disposal_text(recall: Recall) -> list[str]:
    """The sentences of the published remedy that say how to dispose of the product."""
    published = f"{recall.consumer_action}\n{recall.remedy_text}"
    return [s for s in sentences(published) if _DISPOSAL.search(s)]


def what_to_do(recall: Recall) -> str:
    """The first thing a consumer should do, in the agency's own words."""
    if recall.consumer_action.strip():
        return recall.consumer_action.strip()
    first = sentences(recall.remedy_text)
    return first[0] if first else ""


def _is_web_url(url: str) -> bool:
    return bool(re.match(r"https?://", url, re.IGNORECASE))


@register.filter
def web_url(url: str) -> str:
    """The URL if it is a web address; '' for javascript:, data: and the like."""
    url = (url or "").strip()
    return url if _is_web_url(url) else ""


def _link(item: Any, *, url_keys: tuple[str, ...], text_keys: tuple[str, ...]) -> dict | None:
    if isinstance(item, str):
        url, text = item, ""
    elif isinstance(item, dict):
        url = next((str(item[k]) for k in url_keys if item.get(k)), "")
        text = next((str(item[k]) for k in text_keys if item.get(k)), "")
    else:
        return None
    url = url.strip()
    # Only web links: a javascript: or data: URL from a source must never become a link.
    if not _is_web_url(url):
        return None
    return {"url": url, "text": text.strip()}


def image_links(recall: Recall) -> list[dict]:
    """Photos as {url, text}; links only, so no page loads images from another site."""
    images = recall.images if isinstance(recall.images, list) else []
    links = [
        _link(i, url_keys=("url", "URL"), text_keys=("caption", "Caption", "alt", "title"))
        for i in images
    ]
    return [link for link in links if link]


def joint_recall_links(recall: Recall) -> list[dict]:
    """Recalls announced together with this one (for example by Health Canada), as links."""
    joint = recall.joint_recalls if isinstance(recall.joint_recalls, list) else []
    links = [
        _link(
            j,
            url_keys=("url", "URL"),
            text_keys=("title", "Title", "agency", "number", "Name"),
        )
        for j in joint
    ]
    for link in links:
        if link and not link["text"]:
            host = urlsplit(link["url"]).hostname or ""
            agency = "Health Canada's" if host.endswith((".canada.ca", ".gc.ca")) else "The"
            link["text"] = f"{agency} notice on {host}"
    return [link for link in links if link]


@register.filter
def source_format_name(source_format: str) -> str:
    return SOURCE_FORMAT_NAMES.get(source_format, source_format)


@register.filter
def recall_url(recall: Recall) -> str:
    """The recall's page, by its published number ('' if the number cannot be a URL)."""
    for number in (recall.number, recall.number_normalized):
        if not number:
            continue
        try:
            return reverse("registry:recall_detail", args=[number])
        except NoReverseMatch:
            continue
    return ""
