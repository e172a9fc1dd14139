"""index_build(): the lookup index from plain rows, in one pass over the identifiers."""

import gc
from array import array
from collections.abc import Iterable

from recalldesk.identify.engine.index import (
    ITEM,
    KIND_CODE,
    MODEL,
    MODELS_SHOWN,
    TYPO_MIN_LENGTH,
    UPC,
    UPC_CODE,
    Columns,
    IdentifierRow,
    LookupIndex,
    RecallCard,
    RecallRow,
    SerialRuleRow,
    held_all,
    typo_rotated,
    upc_canonical,
)
from recalldesk.identify.engine.serials import Rule, rule_make
from recalldesk.identify.engine.text import text_index_build
from recalldesk.identify.normalize import normalize_identifier

# The same table as normalize.confusable_key, applied inline: it runs a million times.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"})


def _rules_by_owner(rules: Iterable[SerialRuleRow]) -> tuple[dict, dict]:
    by_identifier: dict[int, list[Rule]] = {}
    by_recall: dict[int, list[Rule]] = {}
    made: dict[tuple, Rule] = {}  # many recalls word the same rule; one object serves them all
    for row in rules:
        key = (
            row.kind,
            row.prefix,
            row.length,
            row.range_start,
            row.range_end,
            tuple(row.values),
            row.where_printed,
            row.source_sentence,
        )
        rule = made.get(key)
        if rule is None:
            rule = made[key] = rule_make(
                kind=row.kind,
                prefix=row.prefix,
                length=row.length,
                range_start=row.range_start,
                range_end=row.range_end,
                values=row.values,
                where_printed=row.where_printed,
                source_sentence=row.source_sentence,
            )
        if row.identifier_id is None:
            by_recall.setdefault(row.recall_id, []).append(rule)
        else:
            by_identifier.setdefault(row.identifier_id, []).append(rule)
    return by_identifier, by_recall


def _add(table: dict, key: str, item) -> None:
    held = table.get(key)
    if held is None:
        table[key] = item
    elif type(held) is list:
        held.append(item)
    else:
        table[key] = [held, item]


class _Builder:
    """Columns and dicts growing one identifier at a time."""

    def __init__(self) -> None:
        self.columns = Columns(
            recall=array("I"),
            value=[],
            kind=array("B"),
            product=array("I"),
            where=array("I"),
            rules=array("I"),
            strings=[""],
            rule_sets=[()],
        )
        self.string_number: dict[str, int] = {"": 0}
        self.rules_number: dict[tuple[Rule, ...], int] = {(): 0}
        self.exact: dict = {}
        self.upc: dict = {}
        self.confusable: dict = {}
        self.lengths: dict[int, list[str]] = {}
        self.models_of: dict[int, list[str]] = {}

    def string(self, text: str) -> int:
        number = self.string_number.get(text)
        if number is None:
            number = self.string_number[text] = len(self.columns.strings)
            self.columns.strings.append(text)
        return number

    def rule_set(self, rules: tuple[Rule, ...]) -> int:
        number = self.rules_number.get(rules)
        if number is None:
            number = self.rules_number[rules] = len(self.columns.rule_sets)
            self.columns.rule_sets.append(rules)
        return number

    def add(self, *, recall, code, value, kind, product, where, rules) -> int:
        """Add one identifier; the bulk loop in _add_identifiers does the same, inlined."""
        c = self.columns
        number = len(c.recall)
        c.recall.append(recall)
        c.value.append(None if value == code else value)
        kind_code = KIND_CODE.get(kind, KIND_CODE[ITEM])
        c.kind.append(kind_code)
        c.product.append(self.string(product))
        c.where.append(self.string(where))
        c.rules.append(self.rule_set(rules))
        self.index_code(code, number, kind_code)
        return number

    def index_code(self, code: str, number: int, kind_code: int) -> None:
        held = self.exact.get(code)
        if held is None:
            self.exact[code] = number
            fresh = True
        else:
            kinds = self.columns.kind
            fresh = all(kinds[n] == UPC_CODE for n in held_all(held))
            _add(self.exact, code, number)
        if kind_code != UPC_CODE and fresh:
            # First time this code names something a person types as a model: index it for
            # confusable characters and typos.
            key = code.translate(_CONFUSABLE)
            if key != code:
                _add(self.confusable, key, code)
            if len(code) >= TYPO_MIN_LENGTH - 1:
                self.lengths.setdefault(len(code), []).append(code)


def index_build(
    *,
    recalls: Iterable[RecallRow],
    identifiers: Iterable[IdentifierRow],
    rules: Iterable[SerialRuleRow] = (),
) -> LookupIndex:
    """Build the index from plain rows (from the database, or from a generator in bench/)."""
    # The build makes millions of objects that all live on; the cycle collector would scan
    # them again and again for garbage that is not there.
    collecting = gc.isenabled()
    gc.disable()
    try:
        recall_rows = list(recalls)
        identifier_rows = identifiers if isinstance(identifiers, list) else list(identifiers)
        builder = _Builder()
        _add_identifiers(builder, recall_rows, identifier_rows, rules)
        return _finish(builder, recall_rows)
    finally:
        if collecting:
            gc.enable()


def _rule_numbers(builder: _Builder, identifier_rows: list[IdentifierRow], rules) -> tuple:
    """Rule-set numbers: per identifier with its own rules, per product, per recall."""
    by_identifier, by_recall = _rules_by_owner(rules)
    of_product: dict[int, tuple[Rule, ...]] = {}
    if by_identifier:
        for row in identifier_rows:
            if row.product_id is not None and row.identifier_id in by_identifier:
                held = of_product.get(row.product_id, ())
                of_product[row.product_id] = held + tuple(by_identifier[row.identifier_id])
    own = {key: builder.rule_set(tuple(found)) for key, found in by_identifier.items()}
    product = {key: builder.rule_set(found) for key, found in of_product.items()}
    recall_wide = {key: builder.rule_set(tuple(found)) for key, found in by_recall.items()}
    return own, product, recall_wide


def _add_identifiers(builder: _Builder, recall_rows, identifier_rows, rules) -> None:
    position_of = {r.recall_id: i for i, r in enumerate(recall_rows)}
    own_rules, product_rules, recall_rules = _rule_numbers(builder, identifier_rows, rules)
    c = builder.columns
    add_recall, add_value, add_kind = c.recall.append, c.value.append, c.kind.append
    add_product, add_where, add_rules = c.product.append, c.where.append, c.rules.append
    strings = builder.string_number
    exact, index_code, string = builder.exact, builder.index_code, builder.string
    models_of = builder.models_of
    model_code, item_code, upc_code = KIND_CODE[MODEL], KIND_CODE[ITEM], UPC_CODE
    number = len(c.recall)
    # One pass, inlined: this loop runs once per identifier, a million times at scale.
    for identifier_id, recall_id, kind, value, code, product_id, product, where in identifier_rows:
        position = position_of.get(recall_id)
        if position is None:
            continue
        if not code:
            code = normalize_identifier(value)
            if not code:
                continue
        kind_code = KIND_CODE.get(kind, item_code)
        rule_set = own_rules.get(identifier_id)
        if rule_set is None:
            rule_set = recall_rules.get(recall_id, 0)
            # A UPC or item number carries the serial rules of its product's model.
            if kind_code != model_code and product_id in product_rules:
                rule_set = product_rules[product_id]
        add_recall(position)
        add_value(None if value == code else value)
        add_kind(kind_code)
        product_number = strings.get(product)
        add_product(string(product) if product_number is None else product_number)
        where_number = strings.get(where)
        add_where(string(where) if where_number is None else where_number)
        add_rules(rule_set)
        if code in exact or kind_code == upc_code:
            index_code(code, number, kind_code)
            if kind_code == upc_code and code.isdigit():
                _add(builder.upc, upc_canonical(code), number)
        else:
            exact[code] = number
            key = code.translate(_CONFUSABLE)
            if key != code:
                _add(builder.confusable, key, code)
            if len(code) >= TYPO_MIN_LENGTH - 1:
                builder.lengths.setdefault(len(code), []).append(code)
        if kind_code == model_code:
            shown = models_of.get(position)
            if shown is None:
                models_of[position] = [value]
            elif len(shown) < MODELS_SHOWN:
                shown.append(value)
        number += 1
    _add_published_upcs(builder, recall_rows, recall_rules)


def _add_published_upcs(builder: _Builder, recall_rows: list[RecallRow], recall_rules) -> None:
    # UPCs the agency published in a structured field, when extraction did not find them.
    for position, row in enumerate(recall_rows):
        for raw in row.upcs:
            digits = "".join(ch for ch in str(raw) if ch.isdigit())
            if len(digits) not in (12, 13):
                continue
            canonical = upc_canonical(digits)
            if any(
                builder.columns.recall[n] == position for n in held_all(builder.upc.get(canonical))
            ):
                continue
            number = builder.add(
                recall=position,
                code=canonical,
                value=str(raw),
                kind=UPC,
                product=row.product_name,
                where="",
                rules=builder.columns.rule_sets[recall_rules.get(row.recall_id, 0)],
            )
            _add(builder.upc, canonical, number)


def _finish(builder: _Builder, recall_rows: list[RecallRow]) -> LookupIndex:
    lengths = builder.lengths
    typo_keys = {
        n: (sorted(keys), sorted(k[::-1] for k in keys), sorted(map(typo_rotated, keys)))
        for n, keys in lengths.items()
    }
    models_of = builder.models_of
    cards = tuple(
        RecallCard(r.number, r.title, r.url, r.recall_date, tuple(models_of.get(i, ())))
        for i, r in enumerate(recall_rows)
    )
    exact = builder.exact
    text = text_index_build(
        (
            (
                r.title,
                " ".join((r.product_name, *r.product_names)),
                " ".join(r.firm_names),
                r.description,
            )
            for r in recall_rows
        ),
        # Model numbers are found through `exact`; listing them again as words costs memory.
        skip=lambda word: word.upper() in exact,
    )
    return LookupIndex(
        recalls=cards,
        columns=builder.columns,
        exact=exact,
        confusable=builder.confusable,
        typo_keys=typo_keys,
        upc=builder.upc,
        text=text,
    )
