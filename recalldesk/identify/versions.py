"""Whether the registry changed since the lookup index was built, asked cheaply.

Two questions, so the frequent one stays cheap:
- lookup_registry_version(): counts, highest ids, latest updates (identifiers and serial rules
  carry updated_at) and text lengths. A few milliseconds; catches imports, additions,
  deletions, suppressions and every correction saved through the models, a correction of the
  same length (MMA008 to MMA009) too.
- lookup_registry_content(): every code, prefix and range read character by character. About
  a tenth of a second at registry scale, so it is asked less often: the safety net for a write
  that does not stamp updated_at (QuerySet.update(), raw SQL, a data migration).
"""

import operator
from functools import reduce

from django.db.models import Case, Count, F, Max, Sum, TextField, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce, Length, Ord, Substr

from recalldesk.identify.models import Identifier, SerialRule
from recalldesk.registry.models import Firm, Product, Recall, RecallFirm

# Characters of each text that the content fingerprint reads: enough for model numbers,
# serial prefixes, ranges and lot codes.
CONTENT_WIDTH = 24

_SUPPRESSED = Case(When(suppressed=True, then=Value(1)), default=Value(0))


def _weighted_sum(*parts) -> Sum:
    """One number over all rows; a row's id weighs its part, so swapping two rows shows."""
    per_row = reduce(
        operator.add,
        [Coalesce(part, 0) * (k * 7 + 3) for k, part in enumerate(parts)],
    )
    return Sum(per_row * (F("id") % 997 + 1))


def _lengths(*columns: str) -> list:
    return [Length(column) for column in columns]


def _characters(column: str | Cast) -> CombinedExpression:
    """Character codes weighted by position: changes when any of the first characters does."""
    source = F(column) if isinstance(column, str) else column
    terms = [
        Coalesce(Ord(Substr(source, i, 1)), 0) * (i * 31 + 7) for i in range(1, CONTENT_WIDTH + 1)
    ]
    return reduce(operator.add, terms)


def lookup_registry_version() -> tuple:
    """Changes with every import, addition, deletion or suppression, and most corrections."""
    numbers = [
        Recall.objects.aggregate(n=Count("id"), updated=Max("updated_at")),
        Product.objects.aggregate(
            n=Count("id"), sum=_weighted_sum(*_lengths("name"), F("recall_id"))
        ),
        RecallFirm.objects.aggregate(
            n=Count("id"), sum=_weighted_sum(F("recall_id"), F("firm_id"))
        ),
        Firm.objects.aggregate(n=Count("id"), sum=_weighted_sum(*_lengths("name"))),
        Identifier.objects.aggregate(
            n=Count("id"),
            sum=_weighted_sum(
                *_lengths("kind", "value", "normalized", "where_printed"),
                F("recall_id"),
                F("product_id"),
                _SUPPRESSED,
            ),
            updated=Max("updated_at"),
        ),
        SerialRule.objects.aggregate(
            n=Count("id"),
            sum=_weighted_sum(
                *_lengths("kind", "prefix", "range_start", "range_end", "where_printed"),
                Length(Cast("values", TextField())),
                F("recall_id"),
                F("identifier_id"),
                F("length"),
                _SUPPRESSED,
            ),
            updated=Max("updated_at"),
        ),
    ]
    return tuple(str(value) for part in numbers for value in part.values())


def lookup_registry_content() -> tuple:
    """Changes when any code, serial prefix, range or lot code changes, even to one of the
    same length and by a write that left updated_at as it was."""
    identifiers = Identifier.objects.aggregate(sum=_weighted_sum(_characters("normalized")))
    rules = SerialRule.objects.aggregate(
        sum=_weighted_sum(
            _characters("prefix"),
            _characters("range_start"),
            _characters("range_end"),
            _characters(Cast("values", TextField())),
        )
    )
    return (str(identifiers["sum"]), str(rules["sum"]))
