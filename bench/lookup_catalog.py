"""A synthetic recall catalog of realistic model numbers, for bench/lookup.py.

Recalls come in series families as real ones do: a brand prefix and a series number, then
variants (capacities, colours, regional letters), listed by the dozen in flattened tables.
Shapes seen in CPSC recalls: MMA008, PBH113J35AA, HON-302HE, E2037, BS-30KP365, 17249,
FCRE3052BW, PL02, TBSD-0098. Seeded, so every run builds the same catalog.
"""

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass

from recalldesk.identify.engine import IdentifierRow, RecallRow, SerialRuleRow
from recalldesk.identify.normalize import normalize_identifier

PRODUCTS = (
    "power bank", "charging stand", "space heater", "baby lounger", "dresser", "high chair",
    "stroller", "e-bike battery", "pressure cooker", "air fryer", "electric kettle", "dehumidifier",
    "heat pump", "ceiling fan", "table saw", "helmet", "scooter", "hoverboard", "portable charger",
    "smoke alarm", "bed rail", "learning tower", "gas range", "boiler", "blender", "toy truck",
    "wall mirror", "snow globe", "humidifier", "treadmill", "crib", "baby swing", "lawn mower",
)  # fmt: skip
HAZARDS = ("Fire", "Burn", "Fall", "Tip-Over", "Entrapment", "Suffocation", "Laceration", "Shock")
SYLLABLES = (
    "bel", "kin", "ano", "ver", "lux", "tor", "mi", "ra", "zen", "quo", "pal", "dex", "vo", "sun",
    "gra", "co", "hom", "eal", "tru", "blu", "fri", "gid", "air", "max", "nor", "ten", "vi", "ta",
)  # fmt: skip
SUFFIX_COLOURS = ("BK", "WH", "GR", "BL", "RD", "SL", "US", "CA")


def upc_with_check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Catalog:
    recalls: list[RecallRow]
    identifiers: list[IdentifierRow]
    rules: list[SerialRuleRow]
    firms: list[str]


def _firm(rng: random.Random) -> str:
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{name} {rng.choice(('Inc.', 'LLC', 'Co.', 'International', 'Brands'))}"


def _series(rng: random.Random) -> Iterator[str]:
    """Model numbers of one family, best-selling shape first."""
    letters = string.ascii_uppercase
    shape = rng.choices(range(7), weights=(30, 20, 12, 10, 10, 10, 8))[0]
    prefix = "".join(rng.choice(letters) for _ in range(rng.randint(2, 4)))
    number = rng.randint(1, 9999)
    if shape == 0:  # MMA008, MMA009, ...
        for k in range(40):
            yield f"{prefix}{number + k:03d}"
    elif shape == 1:  # PBH113J35AA, PBH093J35AA
        tail = rng.choice(letters) + f"{rng.randint(10, 99)}" + rng.choice(letters) * 2
        for k in range(40):
            yield f"{prefix}{(number + 20 * k) % 1000:03d}{tail}"
    elif shape == 2:  # HON-302HE
        for k in range(40):
            yield f"{prefix}-{(number + k) % 1000:03d}{rng.choice(letters)}{rng.choice(letters)}"
    elif shape == 3:  # 17249, 17310
        for k in range(40):
            yield f"{(number * 10 + 61 * k) % 1000000:05d}"
    elif shape == 4:  # E2037, E2038
        for k in range(40):
            yield f"{prefix[0]}{(number + k) % 10000:04d}"
    elif shape == 5:  # FCRE3052BW, FCRE3052BS
        for k in range(40):
            yield f"{prefix}{(number + k) % 10000:04d}{rng.choice(SUFFIX_COLOURS)}"
    else:  # BS-30KP365
        for k in range(40):
            yield f"{prefix[:2]}-{rng.randint(10, 99)}{prefix[2:] or 'K'}P{(number + k) % 1000:03d}"


def catalog_generate(*, identifiers: int, seed: int = 26090) -> Catalog:
    """A catalog with exactly this many identifiers (about 8 per recall, 5% of them UPCs)."""
    rng = random.Random(seed)
    firms = [_firm(rng) for _ in range(max(10, identifiers // 80))]
    recalls: list[RecallRow] = []
    rows: list[IdentifierRow] = []
    rules: list[SerialRuleRow] = []
    seen: set[str] = set()
    while len(rows) < identifiers:
        recall_id = len(recalls) + 1
        firm = rng.choice(firms)
        product = rng.choice(PRODUCTS)
        hazard = rng.choice(HAZARDS)
        wanted = min(identifiers - len(rows), rng.choice((1, 1, 2, 3, 4, 6, 8, 12, 20, 30)))
        models: list[str] = []
        for value in _series(rng):
            normalized = normalize_identifier(value)
            if normalized in seen:
                continue
            seen.add(normalized)
            models.append(value)
            if len(models) == wanted:
                break
        for value in models:
            identifier_id = len(rows) + 1
            rows.append(
                IdentifierRow(identifier_id, recall_id, "model", value, normalize_identifier(value),
                              None, product.title(), "on the label on the bottom")
            )  # fmt: skip
            rules.extend(_rules(rng, recall_id, identifier_id))
            if rng.random() < 0.05 and len(rows) < identifiers:
                upc = upc_with_check_digit(f"{rng.randint(0, 99999999999):011d}")
                rows.append(IdentifierRow(len(rows) + 1, recall_id, "upc", upc, upc))
        listed = ", ".join(models[:6])
        recalls.append(
            RecallRow(
                recall_id=recall_id,
                number=f"S{recall_id // 1000:03d}-{recall_id % 1000:03d}",
                title=f"{firm.split()[0]} Recalls {product.title()}s Due to {hazard} Hazard",
                url="",
                recall_date=f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-01",
                product_name=f"{firm.split()[0]} {product}s",
                description=f"This recall involves {product}s with model numbers {listed}.",
                firm_names=(firm,),
            )
        )
    return Catalog(recalls=recalls, identifiers=rows[:identifiers], rules=rules, firms=firms)


def _rules(rng: random.Random, recall_id: int, identifier_id: int) -> list[SerialRuleRow]:
    roll = rng.random()
    if roll < 0.10:
        prefix = f"{rng.randint(10, 99)}{rng.choice(string.ascii_uppercase)}"
        return [SerialRuleRow(identifier_id, recall_id, identifier_id, "prefix", prefix, 14)]
    if roll < 0.13:
        start = rng.randint(1_000_000, 8_000_000)
        return [
            SerialRuleRow(identifier_id, recall_id, identifier_id, "range",
                          range_start=str(start), range_end=str(start + rng.randint(1000, 500_000)))
        ]  # fmt: skip
    if roll < 0.15:
        lots = tuple(f"{rng.randint(100000, 999999)}" for _ in range(rng.randint(2, 6)))
        return [SerialRuleRow(identifier_id, recall_id, identifier_id, "lot", values=lots)]
    if roll < 0.20:
        return [SerialRuleRow(identifier_id, recall_id, identifier_id, "all")]
    return []
