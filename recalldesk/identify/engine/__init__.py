"""The lookup engine: pure Python, no ORM, so it runs the same in a view, a test or bench/."""

from recalldesk.identify.engine.build import index_build
from recalldesk.identify.engine.index import (
    IdentifierRow,
    LookupIndex,
    RecallRow,
    SerialRuleRow,
)
from recalldesk.identify.engine.lookup import LookupInputError, LookupResult, lookup, upc_check
from recalldesk.identify.engine.verdicts import (
    NEED_SERIAL,
    NO_MATCH,
    NOT_AFFECTED,
    POSSIBLE,
    RECALLED,
    Verdict,
)

__all__ = [
    "NEED_SERIAL",
    "NOT_AFFECTED",
    "NO_MATCH",
    "POSSIBLE",
    "RECALLED",
    "IdentifierRow",
    "LookupIndex",
    "LookupInputError",
    "LookupResult",
    "RecallRow",
    "SerialRuleRow",
    "Verdict",
    "index_build",
    "lookup",
    "upc_check",
]
