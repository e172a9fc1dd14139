"""Verdicts: what the engine says about one product of one recall, in plain words."""

from typing import NamedTuple

from recalldesk.identify.engine.index import UPC, Entry, LookupIndex, RecallCard
from recalldesk.identify.engine.serials import (
    ALL,
    rule_describe,
    rule_matches,
    rules_code_name,
    rules_describe,
)

RECALLED = "RECALLED"
NOT_AFFECTED = "NOT_AFFECTED"
NEED_SERIAL = "NEED_SERIAL"
POSSIBLE = "POSSIBLE"
NO_MATCH = "NO_MATCH"
KINDS = (RECALLED, NOT_AFFECTED, NEED_SERIAL, POSSIBLE, NO_MATCH)

# How a verdict was reached; also its rank among POSSIBLE answers.
EXACT = "exact"
RETAIL_SUFFIX = "retail_suffix"
CONFUSABLE = "confusable"
TYPO = "typo"
TEXT = "text"
MATCH_RANK = {EXACT: 0, RETAIL_SUFFIX: 1, CONFUSABLE: 2, TYPO: 3, TEXT: 4}
KIND_RANK = {RECALLED: 0, NEED_SERIAL: 1, NOT_AFFECTED: 2, POSSIBLE: 3, NO_MATCH: 4}


class Verdict(NamedTuple):
    """One answer: the verdict, why, and the recall it comes from (empty for NO_MATCH).

    A NamedTuple: immutable, and made ten times per free-text lookup, so it must be cheap.
    """

    kind: str
    reason: str
    match: str = ""
    recall_number: str = ""
    recall_title: str = ""
    recall_url: str = ""
    recall_date: str = ""
    model: str = ""
    identifier_kind: str = ""
    product_name: str = ""
    rule: str = ""
    where_printed: str = ""
    suggestion: str = ""
    if_confirmed: str = ""
    models: tuple[str, ...] = ()
    score: float = 0.0

    @property
    def rank(self) -> tuple:
        return (KIND_RANK[self.kind], MATCH_RANK.get(self.match, 9), -self.score)


def _label(entry: Entry) -> str:
    return {"upc": "UPC", "item": "item number", "fcc_id": "FCC ID"}.get(entry.kind, "model")


def _noun(entry: Entry) -> str:
    return {"upc": "UPC", "item": "item number", "fcc_id": "FCC ID"}.get(entry.kind, "model number")


def _card_fields(card: RecallCard) -> dict:
    return {
        "recall_number": card.number,
        "recall_title": card.title,
        "recall_url": card.url,
        "recall_date": card.recall_date,
        "models": card.models,
    }


def _where(entry: Entry) -> str:
    for rule in entry.rules:
        if rule.where_printed:
            return rule.where_printed
    return entry.where_printed


def verdict_for_entry(
    index: LookupIndex, entry: Entry, *, serial: str, raw_serial: str = "", match: str = EXACT
) -> Verdict:
    """The verdict for a product whose identifier matched, given the serial (may be empty)."""
    card = index.recalls[entry.recall]
    name = f"{_label(entry)} {entry.value}"
    common = {
        "match": match,
        "model": entry.value,
        "identifier_kind": entry.kind,
        "product_name": entry.product_name,
        **_card_fields(card),
    }
    rules = entry.rules
    where = _where(entry)
    if not rules:
        scope = "every unit of it" if entry.kind != UPC else "every unit with this UPC"
        reason = (
            f"Recall {card.number} names {name}, and it covers {scope}: "
            "the recall does not limit it by serial number."
        )
        return Verdict(kind=RECALLED, reason=reason, where_printed=where, **common)
    every = next((r for r in rules if r.kind == ALL), None)
    if every is not None:
        reason = f"All serial numbers of {name} are included in recall {card.number}."
        return Verdict(
            kind=RECALLED, reason=reason, rule=rule_describe(every), where_printed=where, **common
        )
    code_name = rules_code_name(rules)
    described = rules_describe(rules)
    if not serial:
        find = f" It is printed {where.removeprefix('printed ')}." if where else ""
        reason = (
            f"Recall {card.number} includes {name} only for {described}. "
            f"Enter the {code_name} to know if yours is included.{find}"
        )
        return Verdict(
            kind=NEED_SERIAL, reason=reason, rule=described, where_printed=where, **common
        )
    unsure = []
    for rule in rules:
        inside = rule_matches(rule, serial, raw_serial=raw_serial)
        if inside:
            said = rule_describe(rule)
            reason = (
                f"{code_name.capitalize()} {serial} of {name} is recalled: "
                f"recall {card.number} includes {said}."
            )
            return Verdict(kind=RECALLED, reason=reason, rule=said, where_printed=where, **common)
        if inside is None:
            unsure.append(rule)
    if unsure:
        said = rules_describe(tuple(unsure))
        reason = (
            f"We cannot tell whether {code_name} {raw_serial or serial} of {name} is in recall "
            f"{card.number}: it includes {said}, and the recall does not say clearly how these "
            "codes are written. Read the recall or contact the firm before you keep using it."
        )
        return Verdict(kind=POSSIBLE, reason=reason, rule=said, where_printed=where, **common)
    reason = (
        f"{code_name.capitalize()} {serial} of {name} is not in recall {card.number}: "
        f"the recall includes only {described}."
    )
    return Verdict(kind=NOT_AFFECTED, reason=reason, rule=described, where_printed=where, **common)


def verdict_possible(
    index: LookupIndex,
    entry: Entry,
    *,
    asked: str,
    match: str,
    serial: str,
    raw_serial: str = "",
    suffix: str = "",
) -> Verdict:
    """A near match: 'did you mean MMA008?', with what the answer would be if it is."""
    card = index.recalls[entry.recall]
    label = _label(entry)
    if match == RETAIL_SUFFIX:
        why = (
            f"{asked} looks like {label} {entry.value} followed by the retail suffix {suffix} "
            "(often a colour or pack code), so it is likely the same product."
        )
    elif match == CONFUSABLE:
        why = (
            f"No recall names {asked}, but recall {card.number} names {label} {entry.value}, "
            "which differs only by characters that look alike (O and 0, I and 1, S and 5, B and 8)."
        )
    else:
        why = (
            f"No recall names {asked}, but recall {card.number} names {label} {entry.value}, "
            "which differs by one character."
        )
    confirmed = verdict_for_entry(index, entry, serial=serial, raw_serial=raw_serial)
    reason = (
        f"Did you mean {entry.value}? {why} "
        f"Check the {_noun(entry)} on the product. If it is {entry.value}: {confirmed.reason}"
    )
    return Verdict(
        kind=POSSIBLE,
        reason=reason,
        match=match,
        model=entry.value,
        identifier_kind=entry.kind,
        product_name=entry.product_name,
        where_printed=confirmed.where_printed,
        rule=confirmed.rule,
        suggestion=entry.value,
        if_confirmed=confirmed.kind,
        **_card_fields(card),
    )


def verdict_from_text(index: LookupIndex, position: int, *, words: str, score: float) -> Verdict:
    """A recall whose words match the free text: possible, until the model number is checked."""
    card = index.recalls[position]
    models = ", ".join(card.models)
    check = (
        f"Compare the model number on your product with the models it names: {models}."
        if models
        else "Read the recall to see which products it includes."
    )
    reason = f"Recall {card.number} matches your words \u201c{words}\u201d. {check}"
    # Positional: ten of these per free-text lookup.
    number, title, url, date, models_named = card
    return Verdict(
        POSSIBLE, reason, TEXT, number, title, url, date, "", "", "", "", "", "", "",
        models_named, score,
    )  # fmt: skip


def verdict_no_match(*, asked: str) -> Verdict:
    reason = (
        f"No recall in the registry names {asked}. Check the number on the product "
        "(letters and digits, no spaces needed), or search with a few words about it."
    )
    return Verdict(kind=NO_MATCH, reason=reason)
