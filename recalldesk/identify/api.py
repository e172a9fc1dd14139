"""The lookup API: GET /api/lookup answers "is my product recalled?" with ranked verdicts."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from recalldesk.identify.present import JSON_CONTENT_TYPE, lookup_answer
from recalldesk.identify.selectors import lookup_index_current
from recalldesk.registry.schemas import ErrorOut

router = Router(tags=["identify"])

VerdictKind = Literal["RECALLED", "NOT_AFFECTED", "NEED_SERIAL", "POSSIBLE", "NO_MATCH"]


class LookupQuery(Schema):
    """Give at least one of model, upc or q; serial goes with a model number."""

    model: str = Field("", description="Model number as printed, e.g. MMA008 or mma-008.")
    serial: str = Field("", description="Serial number, lot or date code printed on the product.")
    upc: str = Field("", description="The 12 digits under the barcode (13 for an EAN).")
    q: str = Field("", description="Free text, e.g. belkin power bank; codes in it are checked.")


class VerdictOut(Schema):
    kind: VerdictKind = Field(description="The answer for this product of this recall.")
    reason: str = Field(description="Why, in plain words.")
    match: str = Field(
        description="How it matched: exact, retail_suffix, confusable, typo, text ('' if none)."
    )
    recall_number: str
    recall_title: str
    recall_url: str = Field(description="The agency's page of the recall.")
    recall_page: str = Field(description="The recall's page on this site (a path).")
    recall_date: str = Field(description="YYYY-MM-DD, or ''.")
    model: str = Field(description="The identifier that matched, as the recall prints it.")
    identifier_kind: str = Field(description="model, upc, item or fcc_id.")
    product_name: str
    rule: str = Field(description="The serial rule that decided, in plain words.")
    where_printed: str = Field(description="Where on the product the number is printed.")
    suggestion: str = Field(description="For POSSIBLE: the model number to check again with.")
    if_confirmed: str = Field(description="For POSSIBLE: the verdict if the suggestion is right.")
    models: list[str] = Field(description="Some model numbers the recall names.")


class LookupOut(Schema):
    best: VerdictKind = Field(description="The kind of the first verdict.")
    model: str
    serial: str
    upc: str
    q: str
    verdicts: list[VerdictOut] = Field(description="Best first.")


@router.get(
    "/lookup",
    response={200: LookupOut, 400: ErrorOut},
    summary="Is my product recalled?",
)
def lookup_product(request: HttpRequest, params: Query[LookupQuery]):
    """Verdicts for a model number (with its serial), a UPC, or free text, best first.

    RECALLED, NOT_AFFECTED (names the serial rule), NEED_SERIAL (says where the serial is
    printed), POSSIBLE (a near match: "did you mean MMA008?", a retail suffix, or free text),
    NO_MATCH. Case, spaces, dashes, dots and slashes are ignored. 400 when nothing is given,
    a value is too long, or a UPC's check digit is wrong.
    """
    # recalldesk.wsgi answers most of these requests before Django (identify/fastpath.py); both
    # take the answer from lookup_answer. It is built in the LookupOut (or ErrorOut) shape, a
    # test holds them together, so it skips ninja's validation of the response: that took most
    # of the time of a lookup.
    status, body = lookup_answer(
        lookup_index_current(),
        model=params.model,
        serial=params.serial,
        upc=params.upc,
        q=params.q,
    )
    return HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE)
