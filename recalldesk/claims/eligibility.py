"""Is this product covered by this program? The model number and serial an owner typed, checked
against the program's products and their serial rules, answered in plain words."""

import re
import unicodedata
from dataclasses import dataclass

from recalldesk.claims.models import Program, ProgramProduct, SerialRuleKind
from recalldesk.identify.engine import POSSIBLE as ENGINE_POSSIBLE
from recalldesk.identify.engine import LookupInputError, lookup
from recalldesk.identify.engine.verdicts import EXACT
from recalldesk.identify.normalize import confusable_key, normalize_identifier
from recalldesk.identify.selectors import lookup_index_current

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEED_SERIAL = "need_serial"
POSSIBLE = "possible"
UNKNOWN_MODEL = "unknown_model"
STATUSES = (ELIGIBLE, NOT_ELIGIBLE, NEED_SERIAL, POSSIBLE, UNKNOWN_MODEL)

# As the lookup engine: shorter codes are one typo away from too many others.
TYPO_MIN_LENGTH = 5
SUFFIX_MIN_MODEL_LENGTH = 4
SUFFIX_MAX_LENGTH = 6
SERIAL_MAX_LENGTH = 60
MODELS_NAMED = 8

_DIGIT_TAIL = re.compile(r"(.*?)([0-9]+)", re.DOTALL)
_NUMBER = re.compile(r"[0-9]+")
_SERIAL = re.compile(r"[0-9A-Z]+")


@dataclass(frozen=True)
class Eligibility:
    """The answer: a status of STATUSES, the product matched, a message, a suggested model."""

    status: str
    product: ProgramProduct | None
    message: str
    suggestion: str | None = None

    @property
    def is_eligible(self) -> bool:
        return self.status == ELIGIBLE


def serial_normalize(value: str | None) -> str:
    """A serial as compared and stored: upper case, no spaces or dashes ("57x-00 01" is 57X0001)."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    kept = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Pd")
    # Again: a mark left beside its letter once a dash between them is gone composes with it.
    return unicodedata.normalize("NFKC", kept)


def serial_compare(first: str, second: str) -> int | None:
    """-1, 0 or 1 as first sorts before, with or after second; None when they cannot be compared.

    Numbers compare as numbers (999 before 1000), also after the same letters (AB999 before
    AB1000); other serials compare character by character when they have the same length.
    """
    if _NUMBER.fullmatch(first) and _NUMBER.fullmatch(second):
        a, b = int(first), int(second)
        return (a > b) - (a < b)
    head_a, head_b = _DIGIT_TAIL.fullmatch(first), _DIGIT_TAIL.fullmatch(second)
    if head_a and head_b and head_a.group(1) == head_b.group(1):
        a, b = int(head_a.group(2)), int(head_b.group(2))
        if a != b or len(first) == len(second):
            return (a > b) - (a < b)
    if len(first) == len(second):
        return (first > second) - (first < second)
    return None


def serial_rule_describe(product: ProgramProduct) -> str:
    """The product's serial rule in words, to follow "serial numbers ...": "start with 57X"."""
    kind = product.serial_rule_kind
    if kind == SerialRuleKind.PREFIX:
        length = f" and have {product.serial_length} characters" if product.serial_length else ""
        return f"start with {product.serial_prefix}{length}"
    if kind == SerialRuleKind.RANGE:
        return f"run from {product.serial_range_start} to {product.serial_range_end}"
    return "are all included"


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _near_products(normalized: str, products: list[ProgramProduct]) -> list[ProgramProduct]:
    """Products the owner probably meant, the closest explanation first."""
    key = confusable_key(normalized)
    confused = [p for p in products if confusable_key(p.model_normalized) == key]
    if confused:
        return confused
    # A retailer's suffix after the model number: MMA008BTBK is MMA008 in black.
    suffixed = [
        p
        for p in products
        if len(p.model_normalized) >= SUFFIX_MIN_MODEL_LENGTH
        and normalized.startswith(p.model_normalized)
        and len(normalized) - len(p.model_normalized) <= SUFFIX_MAX_LENGTH
    ]
    if suffixed:
        return sorted(suffixed, key=lambda p: -len(p.model_normalized))
    if len(normalized) < TYPO_MIN_LENGTH:
        return []
    return [p for p in products if _one_edit(normalized, p.model_normalized)]


def _models_covered(products: list[ProgramProduct]) -> str:
    models = [p.model_number for p in products]
    if not models:
        return "no model numbers yet"
    if len(models) > MODELS_NAMED:
        return f"{len(models)} model numbers"
    if len(models) == 1:
        return models[0]
    return f"{', '.join(models[:-1])} and {models[-1]}"


def _engine_hint(program: Program, model_number: str, products: list[ProgramProduct]):
    """What the registry's lookup engine knows of the model: a product of this program it
    resembles, or another recall that names it."""
    try:
        result = lookup(lookup_index_current(), model=model_number)
    except LookupInputError:
        return None, ""
    by_model = {p.model_normalized: p for p in products}
    elsewhere = ""
    for verdict in result.verdicts:
        matched = by_model.get(normalize_identifier(verdict.model))
        if verdict.recall_number == program.recall.number and matched is not None:
            return matched, ""
        other_recall = verdict.recall_number and verdict.recall_number != program.recall.number
        named = verdict.kind != ENGINE_POSSIBLE and verdict.match == EXACT
        if named and other_recall and not elsewhere:
            elsewhere = f"It is named in recall {verdict.recall_number}: {verdict.recall_title}."
    return None, elsewhere


def _unknown_model(program: Program, shown: str, normalized: str, products) -> Eligibility:
    near = _near_products(normalized, products)
    elsewhere = ""
    if not near:
        engine_product, elsewhere = _engine_hint(program, shown, products)
        near = [engine_product] if engine_product else []
    if near:
        product = near[0]
        where = f" {product.serial_help}" if product.serial_help else ""
        return Eligibility(
            status=POSSIBLE,
            product=None,
            message=(
                f"{shown} is not a model number in this program. Did you mean "
                f"{product.model_number} ({product.name})? Check the model number on the "
                f"product.{where}"
            ),
            suggestion=product.model_number,
        )
    message = (
        f"{shown} is not a model number in this program, which covers {_models_covered(products)}."
        " Check the model number printed on the product."
    )
    if elsewhere:
        message += f" {elsewhere}"
    return Eligibility(status=UNKNOWN_MODEL, product=None, message=message)


def _check_serial(product: ProgramProduct, serial_number: str | None) -> Eligibility:
    model = product.model_number
    if product.serial_rule_kind == SerialRuleKind.ALL:
        return Eligibility(
            status=ELIGIBLE,
            product=product,
            message=f"All serial numbers of {model} are included in this program.",
        )
    rule = serial_rule_describe(product)
    where = f" {product.serial_help}" if product.serial_help else ""
    serial = serial_normalize(serial_number)
    if not serial:
        return Eligibility(
            status=NEED_SERIAL,
            product=product,
            message=(
                f"Enter the serial number of {model}: serial numbers of {model} in this recall "
                f"{rule}.{where}"
            ),
        )
    if len(serial) > SERIAL_MAX_LENGTH:
        return Eligibility(
            status=NOT_ELIGIBLE,
            product=product,
            message=(
                f"That serial number is too long: serial numbers of {model} in this recall "
                f"{rule}.{where}"
            ),
        )
    if not _SERIAL.fullmatch(serial):
        return Eligibility(
            status=NOT_ELIGIBLE,
            product=product,
            message=(
                f"A serial number holds only letters and digits; check {serial} against the "
                f"label: serial numbers of {model} in this recall {rule}.{where}"
            ),
        )
    if product.serial_rule_kind == SerialRuleKind.PREFIX:
        included = serial.startswith(product.serial_prefix)
        if included and product.serial_length and len(serial) != product.serial_length:
            return Eligibility(
                status=NOT_ELIGIBLE,
                product=product,
                message=(
                    f"Serial numbers of {model} in this recall {rule}; {serial} has "
                    f"{len(serial)}. Check that you copied every character.{where}"
                ),
            )
    else:
        low = serial_compare(product.serial_range_start, serial)
        high = serial_compare(serial, product.serial_range_end)
        included = low is not None and high is not None and low <= 0 and high <= 0
        if not included:
            return Eligibility(
                status=NOT_ELIGIBLE,
                product=product,
                message=f"Serial numbers of {model} in this recall {rule}; {serial} is not in "
                "that range.",
            )
    if not included:
        return Eligibility(
            status=NOT_ELIGIBLE,
            product=product,
            message=f"Serial numbers of {model} in this recall {rule}; {serial} does not.",
        )
    return Eligibility(
        status=ELIGIBLE,
        product=product,
        message=f"{model} with serial number {serial} is included in this program.",
    )


def eligibility_check(
    *, program: Program, model_number: str, serial_number: str | None
) -> Eligibility:
    """Whether the program covers this model and serial, with a message for the owner."""
    normalized = normalize_identifier(model_number)
    if not normalized:
        return Eligibility(
            status=UNKNOWN_MODEL,
            product=None,
            message="Enter the model number printed on the product, e.g. on its label or bottom.",
        )
    products = list(program.products.all())
    product = next((p for p in products if p.model_normalized == normalized), None)
    if product is None:
        # The normalized form: at most 100 plain characters, safe to repeat back.
        return _unknown_model(program, normalized, normalized, products)
    return _check_serial(product, serial_number)
