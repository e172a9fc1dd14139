"""What extraction returns: plain values, no database."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExtractedIdentifier:
    kind: str  # model, upc, item or fcc_id (the IdentifierKind values)
    value: str  # as printed
    normalized: str
    where_printed: str
    sentence: str


@dataclass(frozen=True)
class ExtractedSerialRule:
    kind: str  # all, prefix, range, lot or date_range (the SerialRuleKind values)
    model: str | None  # the model number it applies to; None means every model of the recall
    prefix: str = ""
    length: int | None = None
    range_start: str = ""
    range_end: str = ""
    values: tuple[str, ...] = ()
    where_printed: str = ""
    sentence: str = ""


@dataclass
class Extraction:
    identifiers: list[ExtractedIdentifier] = field(default_factory=list)
    serial_rules: list[ExtractedSerialRule] = field(default_factory=list)
    # Numbers the text calls a UPC whose length or check digit is wrong: shown to staff, not stored.
    rejected_upcs: list[str] = field(default_factory=list)

    def values(self, *kinds: str) -> set[str]:
        """Normalized values of the identifiers of the given kinds (all kinds when none given)."""
        return {i.normalized for i in self.identifiers if not kinds or i.kind in kinds}
