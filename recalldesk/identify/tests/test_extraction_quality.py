"""Measured quality of extraction against recalls labelled by hand (docs/identification.md)."""

import csv
import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from recalldesk.identify.extraction import extract
from recalldesk.identify.normalize import normalize_identifier

HERE = Path(__file__).parent
LABELLED_SET = HERE / "labelled_set.json"
HELD_OUT_SET = HERE / "heldout_set.json"
CSV_PATH = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
MODEL_KINDS = ("model", "item", "fcc_id")
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.90


def gs1_valid(digits: str) -> bool:
    """Written apart from the extractor's own check so the labels do not lean on it."""
    if not digits.isdigit() or len(digits) not in (12, 13):
        return False
    weights = [3, 1] * 7
    total = sum(int(d) * w for d, w in zip(reversed(digits[:-1]), weights, strict=False))
    return (10 - total % 10) % 10 == int(digits[-1])


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, recall_number: str, expected: set, got: set, optional: set = frozenset()):
        self.true_positives += len(got & expected)
        wrong = got - expected - optional
        missed = expected - got
        self.false_positives += len(wrong)
        self.false_negatives += len(missed)
        if wrong or missed:
            self.mistakes.append(f"{recall_number}: extra {sorted(wrong)} missed {sorted(missed)}")

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name:<13} precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"(tp {self.true_positives}, fp {self.false_positives}, fn {self.false_negatives})"
        )


def _rule_items(rule: dict) -> set[tuple]:
    """A rule as comparable items; a list of lot codes counts one item per code."""
    kind = rule["kind"]
    if kind == "lot":
        return {("lot", normalize_identifier(v)) for v in rule["values"]}
    if kind == "prefix":
        return {("prefix", rule["prefix"].upper(), rule["length"])}
    if kind in ("range", "date_range"):
        ends = (normalize_identifier(rule["range_start"]), normalize_identifier(rule["range_end"]))
        return {(kind, *ends)}
    return {("all",)}


def _rules_with_models(rules: list[dict]) -> dict[tuple, str]:
    return {item: normalize_identifier(r["model"] or "") for r in rules for item in _rule_items(r)}


def _as_dict(rule) -> dict:
    return {
        "kind": rule.kind,
        "model": rule.model,
        "prefix": rule.prefix,
        "length": rule.length,
        "range_start": rule.range_start,
        "range_end": rule.range_end,
        "values": list(rule.values),
    }


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text())["recalls"]


def descriptions() -> dict[str, str]:
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return {r["Recall Number"]: html.unescape(r["Description"]) for r in csv.DictReader(handle)}


def measure(labelled: list[dict]) -> dict[str, Score]:
    """Micro precision and recall per kind over the labelled recalls' Description texts."""
    texts = descriptions()
    scores = {name: Score() for name in ("model numbers", "UPCs", "serial rules", "rule models")}
    for label in labelled:
        number = label["recall_number"]
        extraction = extract(texts[number])
        scores["model numbers"].add(
            number,
            {normalize_identifier(m) for m in label["models"]},
            extraction.values(*MODEL_KINDS),
            {normalize_identifier(m) for m in label["optional"]},
        )
        upcs = {u for u in label["upcs"] if gs1_valid(u)}
        scores["UPCs"].add(number, upcs, extraction.values("upc"))
        expected = _rules_with_models(label["serial_rules"])
        got = _rules_with_models([_as_dict(r) for r in extraction.serial_rules])
        scores["serial rules"].add(number, set(expected), set(got))
        # Of the rules found, how many name the model the labeller read (none = every model).
        both = set(expected) & set(got)
        scores["rule models"].add(
            number,
            {(i, expected[i]) for i in both},
            {(i, got[i]) for i in both if expected[i] == got[i]},
        )
    return scores


def _print(title: str, scores: dict[str, Score]) -> None:
    print(f"\n{title}")
    for name, score in scores.items():
        print("  " + score.line(name))


# The method that chose the labelled recalls (docs/identification.md), kept runnable.
TARGETED = {
    "serial rule": re.compile(r"serial", re.IGNORECASE),
    "UPC": re.compile(r"\bUPC", re.IGNORECASE),
    "flattened table": re.compile(
        r"(?:Model|Item|SKU|Style)(?:\s?(?:No\.?|Number|#))?(?:Description|UPC|Name|Color|Product|Size)"
    ),
    "lot, batch or date code": re.compile(r"\b(?:lot|batch|date code)", re.IGNORECASE),
}


def chosen_rows() -> dict[str, str]:
    """Recall number -> why chosen: every 10th CSV row from the first, then the first five
    rows of each targeted kind not chosen yet, in file order; held-out sets take every 20th
    row from row 5, from row 15 and from row 3 among rows not chosen before."""
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    chosen = dict.fromkeys(range(0, len(rows), 10), "every 10th row")
    for reason, pattern in TARGETED.items():
        candidates = (
            i
            for i, row in enumerate(rows)
            if i not in chosen and pattern.search(html.unescape(row["Description"]))
        )
        for i in list(candidates)[:5]:
            chosen[i] = reason
    for start, name in ((5, "held out 1"), (15, "held out 2"), (3, "held out 3")):
        for i in range(start, len(rows), 20):
            if i not in chosen:
                chosen[i] = f"{name}: every 20th row from row {start}"
    return {rows[i]["Recall Number"]: reason for i, reason in chosen.items()}


def test_the_sets_are_the_rows_the_documented_method_chooses():
    chosen = chosen_rows()
    labelled = {
        r["recall_number"]: r["selected_as"] for r in load(LABELLED_SET) + load(HELD_OUT_SET)
    }
    assert labelled == chosen


def test_labelled_set_is_large_and_varied():
    labelled = load(LABELLED_SET)
    numbers = [label["recall_number"] for label in labelled]
    assert len(numbers) == len(set(numbers)) >= 80
    kinds = Counter(label["selected_as"] for label in labelled)
    assert kinds["every 10th row"] >= 70
    assert sum(1 for label in labelled if not label["models"]) >= 20
    assert sum(1 for label in labelled if label["upcs"]) >= 5
    assert sum(1 for label in labelled if label["serial_rules"]) >= 15
    assert sum(1 for label in labelled if len(label["models"]) >= 10) >= 5
    held_out = {label["recall_number"] for label in load(HELD_OUT_SET)}
    assert not held_out & set(numbers), "a recall is in both sets"


def test_model_number_extraction_meets_the_targets(capsys):
    scores = measure(load(LABELLED_SET))
    with capsys.disabled():
        _print("Labelled set (docs/identification.md):", scores)
        _print("Held-out sets, reported only:", measure(load(HELD_OUT_SET)))
    model_numbers = scores["model numbers"]
    assert model_numbers.precision >= PRECISION_TARGET, "\n".join(model_numbers.mistakes)
    assert model_numbers.recall >= RECALL_TARGET, "\n".join(model_numbers.mistakes)


def test_upcs_in_the_labelled_set_are_all_found_and_none_invented():
    upcs = measure(load(LABELLED_SET))["UPCs"]
    assert upcs.precision == 1.0, upcs.mistakes
    assert upcs.recall >= 0.95, upcs.mistakes


def test_reference_recall_is_read_exactly():
    label = next(r for r in load(LABELLED_SET) if r["recall_number"] == "26-090")
    extraction = extract(descriptions()["26-090"])
    assert extraction.values(*MODEL_KINDS) == {normalize_identifier(m) for m in label["models"]}
    got = {(r.kind, r.model, r.prefix, r.length) for r in extraction.serial_rules}
    expected = {(r["kind"], r["model"], r["prefix"], r["length"]) for r in label["serial_rules"]}
    assert got == expected
