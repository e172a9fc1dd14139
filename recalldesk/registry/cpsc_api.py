"""GET /RestWebServices/Recall: CPSC's Recalls API, answered from Recall Desk's registry.

A plain Django view rather than a ninja route: CPSC's parameter names are case-insensitive and
an unknown parameter must be refused, which needs the raw query string; the answer is streamed
so "every recall" stays cheap. It is documented in /api/openapi.json all the same.
"""

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.views.decorators.http import require_safe

from recalldesk.registry.cpsc_schema import cpsc_record
from recalldesk.registry.cpsc_selectors import (
    DATE_PARAMETERS,
    FIRM_PARAMETERS,
    NUMBER_PARAMETERS,
    TEXT_PARAMETERS,
    recalls_cpsc_records,
    recalls_cpsc_search,
)

PARAMETERS = tuple(
    dict.fromkeys(
        [*NUMBER_PARAMETERS, *DATE_PARAMETERS, *TEXT_PARAMETERS, *FIRM_PARAMETERS, "format"]
    )
)
_BY_LOWER_NAME = {name.lower(): name for name in PARAMETERS}
MAX_VALUE_LENGTH = 500
# RecallID is a 32-bit integer in the database; anything beyond cannot name a recall.
MAX_RECALL_ID = 2**31 - 1


class CpscParameterError(ValueError):
    """A query parameter the endpoint cannot use; the message says which and why."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}")


def _parse_date(name: str, value: str) -> dt.date:
    for text in (value, value.removesuffix("T00:00:00")):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            continue
    raise CpscParameterError(name, f"{value[:40]!r} is not a date; write it as YYYY-MM-DD.")


def _parse_recall_id(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not 0 <= number <= MAX_RECALL_ID:
        raise CpscParameterError("RecallID", f"{value[:40]!r} is not a CPSC recall id (a number).")
    return number


def cpsc_criteria_parse(query: QueryDict) -> dict[str, list]:
    """CPSC's parameters from a query string, by their canonical names; blank values ignored."""
    criteria: dict[str, list] = defaultdict(list)
    for raw_name, values in query.lists():
        name = _BY_LOWER_NAME.get(raw_name.strip().lower())
        if name is None:
            raise CpscParameterError(
                raw_name[:60], f"unknown parameter. Known parameters: {', '.join(PARAMETERS)}."
            )
        for raw_value in values:
            value = raw_value.strip()
            if not value:
                continue
            if "\x00" in value or len(value) > MAX_VALUE_LENGTH:
                raise CpscParameterError(
                    name, f"give at most {MAX_VALUE_LENGTH} characters, without NUL characters."
                )
            if name == "format":
                if value.lower() != "json":
                    raise CpscParameterError(name, f"only json is served, not {value[:20]!r}.")
            elif name in DATE_PARAMETERS:
                criteria[name].append(_parse_date(name, value))
            elif name == "RecallID":
                criteria[name].append(_parse_recall_id(value))
            else:
                criteria[name].append(value)
    return dict(criteria)


def _json_array(records: Iterator[dict]) -> Iterator[bytes]:
    yield b"["
    for index, record in enumerate(records):
        text = json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False)
        yield (text if index == 0 else "," + text).encode()
    yield b"]"


@require_safe
def cpsc_recalls(request: HttpRequest) -> HttpResponse:
    """Recalls in CPSC's record schema, filtered by CPSC's parameters."""
    try:
        criteria = cpsc_criteria_parse(request.GET)
    except CpscParameterError as error:
        return JsonResponse({"detail": str(error), "parameter": error.parameter}, status=400)
    recalls = recalls_cpsc_records(recalls=recalls_cpsc_search(criteria=criteria))
    return StreamingHttpResponse(
        _json_array(cpsc_record(recall) for recall in recalls),
        content_type="application/json; charset=utf-8",
    )
