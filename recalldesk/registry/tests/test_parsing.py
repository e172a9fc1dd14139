"""The text parsers, on real CPSC text and on anything hypothesis can write."""

import contextlib
import csv
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from recalldesk.registry.sources.firms import firm_key, parse_firm_name, split_firms
from recalldesk.registry.sources.parsing import (
    clean_text,
    normalize_recall_number,
    parse_date,
    parse_remedy_types,
    parse_units,
)
from recalldesk.registry.sources.places import parse_countries
from recalldesk.registry.sources.sold_at import looks_like_sold_at, parse_sold_at

CSV_PATH = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
MONTH_NAMES = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]


@pytest.fixture(scope="module")
def csv_rows() -> dict[str, dict]:
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return {row["Recall Number"]: row for row in csv.DictReader(handle)}


def test_units_of_the_belkin_recall(csv_rows):
    units = parse_units(csv_rows["26-090"]["Units"])
    assert units.total == 83_500
    assert units.by_country == {"US": 83_500, "CA": 2_385}
    assert units.text == "About 83,500 (In addition, about 2,385 were sold in Canada)"


@pytest.mark.parametrize(
    ("text", "total", "by_country"),
    [
        ("About 1.8 million", 1_800_000, {"US": 1_800_000}),
        ("About 3,090", 3_090, {"US": 3_090}),
        ("About\u00a011,200", 11_200, {"US": 11_200}),
        ("700 units", 700, {"US": 700}),
        ("Millions", None, {}),
        ("", None, {}),
        (
            "22,850 (In addition, about 1,977 in Canada and about 190 in Mexico)",
            22_850,
            {"US": 22_850, "CA": 1_977, "MX": 190},
        ),
        (
            "About 9,030 (Additionally, about six were sold in Canada)",
            9_030,
            {"US": 9_030, "CA": 6},
        ),
        (
            "Approximately 2.1 million swings were sold in the United States, about 99,000 "
            "swings were sold in Canada and about 500 swings were sold in Mexico.",
            2_100_000,
            {"US": 2_100_000, "CA": 99_000, "MX": 500},
        ),
        (
            "About 1.6 million (518,500 units were\u00a0previously recalled in November 2022)",
            1_600_000,
            {"US": 1_600_000},
        ),
        (
            "About 15.5 million (In addition, about 1.3 million were sold in Canada)",
            15_500_000,
            {"US": 15_500_000, "CA": 1_300_000},
        ),
        ("About 4,000 in the U.S.", 4_000, {"US": 4_000}),
        ("About one million", 1_000_000, {"US": 1_000_000}),
        (
            "About one million (this recall was first announced in November 2009)",
            1_000_000,
            {"US": 1_000_000},
        ),
        # 22-200: two products' counts, in each country.
        (
            "Two million MamaRoo swings and 220,000 RockaRoo rockers. In addition, 60,000 "
            "MamaRoo and 10,000 RockaRoo were sold in Canada",
            2_220_000,
            {"US": 2_220_000, "CA": 70_000},
        ),
        (
            "About 130,000 additional coolers (In addition, about 20,000 in Canada and 5,900 in "
            "Mexico) (More than one million Igloo coolers were previously recalled in February "
            "2025)",
            130_000,
            {"US": 130_000, "CA": 20_000, "MX": 5_900},
        ),
    ],
)
def test_units_as_cpsc_writes_them(text, total, by_country):
    units = parse_units(text)
    assert (units.total, units.by_country) == (total, by_country)


def test_units_of_every_csv_row_give_a_us_count_when_the_text_starts_with_one(csv_rows):
    texts = [clean_text(row["Units"]) for row in csv_rows.values()]
    with_number = [t for t in texts if re.match(r"(About|Approximately|More than)?\s*\d", t)]
    assert len(with_number) > 700
    assert [t for t in with_number if parse_units(t).total is None] == []


def test_sold_at_of_the_belkin_recall(csv_rows):
    sold = parse_sold_at(csv_rows["26-090"]["Sold At"])
    assert sold.retailers == ["Best Buy", "Target", "Walmart", "Belkin.com", "Amazon.com", "TikTok"]
    assert (sold.sold_from, sold.sold_to) == (dt.date(2020, 8, 1), dt.date(2025, 8, 1))
    assert (sold.price_min, sold.price_max, sold.currency) == (Decimal("29"), Decimal("180"), "USD")


@pytest.mark.parametrize(
    ("text", "retailers", "period", "prices"),
    [
        (
            "Amazon from October 2022 through August 2025 for about $17.",
            ["Amazon"],
            (dt.date(2022, 10, 1), dt.date(2025, 8, 1)),
            (Decimal("17"), Decimal("17")),
        ),
        (
            "Aldi grocery stores in 38 states and the District of Columbia from July 2023 "
            "through September 2023 for about $50.",
            ["Aldi"],
            (dt.date(2023, 7, 1), dt.date(2023, 9, 1)),
            (Decimal("50"), Decimal("50")),
        ),
        (
            "Little Pineapple in Colfax, North Carolina; Once Upon a Time in Birmingham, "
            "Alabama from June 2024 through May 2025 for between $18 and $35.",
            ["Little Pineapple", "Once Upon a Time"],
            (dt.date(2024, 6, 1), dt.date(2025, 5, 1)),
            (Decimal("18"), Decimal("35")),
        ),
        (
            "Five Below stores nationwide and online at fivebelow.com from April 2024 through "
            "August 2025 for between $2.50 and $5.",
            ["Five Below", "Fivebelow.com"],
            (dt.date(2024, 4, 1), dt.date(2025, 8, 1)),
            (Decimal("2.50"), Decimal("5")),
        ),
        (
            "Furniture stores nationwide and online from November 2019 through present.",
            [],
            (dt.date(2019, 11, 1), None),
            (None, None),
        ),
        (
            "Target, Marshall’s, T.J. Maxx, and Joann stores, and other retailers nationwide",
            ["Target", "Marshall's", "T.J. Maxx", "Joann"],
            (None, None),
            (None, None),
        ),
    ],
)
def test_sold_at_as_cpsc_writes_it(text, retailers, period, prices):
    sold = parse_sold_at(text)
    assert sold.retailers == retailers
    assert (sold.sold_from, sold.sold_to) == period
    assert (sold.price_min, sold.price_max) == prices


def test_sold_at_of_every_csv_row_reads_a_period_and_never_a_generic_retailer(csv_rows):
    parsed = [parse_sold_at(row["Sold At"]) for row in csv_rows.values()]
    with_period = [s for s in parsed if s.sold_from]
    assert len(with_period) > 0.95 * len(parsed)
    assert all(s.sold_to is None or s.sold_from <= s.sold_to for s in with_period)
    names = {name.casefold() for s in parsed for name in s.retailers}
    assert not names & {"stores", "online", "other", "nationwide", "independent", "amazon.com)"}


def test_looks_like_sold_at_tells_a_sentence_from_a_name():
    assert looks_like_sold_at("Online at Amazon.com from March 2025 through June 2025.")
    assert not looks_like_sold_at("Walmart")


def test_firm_name_and_location():
    firm = parse_firm_name("Belkin International Inc., of El Segundo, California")
    assert (firm.name, firm.location) == ("Belkin International Inc.", "El Segundo, California")


@pytest.mark.parametrize(
    ("published", "name", "location"),
    [
        (
            "Empower Brands, LLC of Middleton, Wisconsin",
            "Empower Brands, LLC",
            "Middleton, Wisconsin",
        ),
        ("Rotinyard,of Zhejiang, China", "Rotinyard", "Zhejiang, China"),
        ("Anker Innovations Limited, of Hong Kong&nbsp;", "Anker Innovations Limited", "Hong Kong"),
        ("The Museum of Modern Art, of New York", "The Museum of Modern Art", "New York"),
        ("Sound Around Inc. dba SereneLife Home", "Sound Around Inc. dba SereneLife Home", ""),
        (
            "Jiang men cai nuo wei yu you xian gong si, of China, doing business as Amazon "
            "seller Whisper08",
            "Jiang men cai nuo wei yu you xian gong si",
            "China",
        ),
    ],
)
def test_firm_names_as_cpsc_writes_them(published, name, location):
    firm = parse_firm_name(published)
    assert (firm.name, firm.location) == (name, location)


def test_one_key_however_the_legal_form_is_written():
    keys = {
        firm_key(name)
        for name in (
            "Belkin International Inc.",
            "Belkin International, Inc.",
            "Belkin International Inc",
            "BELKIN INTERNATIONAL, INC",
        )
    }
    assert keys == {"belkin international"}
    assert firm_key("Deere &amp; Company") == firm_key("Deere and Co.")
    assert firm_key("Belkin International Inc.") != firm_key("Belkin Corporation Ltd")


def test_a_field_naming_several_firms_is_split_between_them():
    firms = split_firms(
        "Olympia Tools International Inc., of Covina, California and Walmart Inc., of "
        "Bentonville, Arkansas"
    )
    assert firms == [
        "Olympia Tools International Inc., of Covina, California",
        "Walmart Inc., of Bentonville, Arkansas",
    ]
    assert split_firms("Stanley Black and Decker Inc., of New Britain, Connecticut") == [
        "Stanley Black and Decker Inc., of New Britain, Connecticut"
    ]


def test_countries_of_manufacture():
    assert parse_countries("Vietnam (MMA008) and China (BPB002 and PB0003)") == ["China", "Vietnam"]
    assert parse_countries("USA, Poland and Taiwan") == ["Poland", "Taiwan", "United States"]
    assert parse_countries("Canada (ski kits)\nChina (adaptor kits)") == ["Canada", "China"]
    assert parse_countries("") == []


def test_dates_in_every_spelling_the_sources_use():
    expected = dt.date(2025, 11, 13)
    for text in (
        "November 13, 2025",
        "2025-11-13",
        "2025-11-13T00:00:00",
        "11/13/2025",
        "Nov. 13, 2025",
    ):
        assert parse_date(text) == expected
    assert parse_date("") is None
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("13th of Brumaire")


def test_remedy_types_in_a_fixed_order():
    assert parse_remedy_types("Replace, Refund") == ["Refund", "Replace"]
    assert parse_remedy_types(["Dispose", "No Remedy Available"]) == [
        "Dispose",
        "No Remedy Available",
    ]
    assert parse_remedy_types("Store credit") == []


def test_recall_numbers_and_clean_text():
    assert normalize_recall_number("26-090") == normalize_recall_number(" 26090 ") == "26090"
    assert clean_text("Crate\u200b &amp;\u200b Barrel&nbsp;") == "Crate & Barrel"


@given(st.text())
def test_no_text_crashes_the_units_parser(text):
    units = parse_units(text)
    assert units.total is None or units.total >= 0
    assert set(units.by_country) <= {"US", "CA", "MX"}


@given(st.integers(0, 10**9), st.integers(1, 10**6))
def test_units_read_back_any_count(us, canada):
    units = parse_units(f"About {us:,} (In addition, about {canada:,} were sold in Canada)")
    assert units.by_country == {"US": us, "CA": canada}


@given(st.text())
def test_no_text_crashes_the_sold_at_parser(text):
    sold = parse_sold_at(text)
    assert all(name.strip() == name and name for name in sold.retailers)
    if sold.price_min is not None:
        assert sold.price_min <= sold.price_max


@given(
    st.sampled_from(MONTH_NAMES),
    st.integers(1990, 2030),
    st.integers(0, 60),
    st.integers(1, 9999),
    st.integers(0, 9999),
)
def test_sold_at_reads_back_any_period_and_price(month, year, months_later, low, extra):
    end = dt.date(year + (MONTH_NAMES.index(month) + months_later) // 12, 1, 1)
    end = end.replace(month=(MONTH_NAMES.index(month) + months_later) % 12 + 1)
    text = (
        f"Best Buy and online at Amazon.com from {month} {year} through "
        f"{MONTH_NAMES[end.month - 1]} {end.year} for between ${low:,} and ${low + extra:,}."
    )
    sold = parse_sold_at(text)
    assert sold.retailers == ["Best Buy", "Amazon.com"]
    assert (sold.sold_from, sold.sold_to) == (dt.date(year, MONTH_NAMES.index(month) + 1, 1), end)
    assert (sold.price_min, sold.price_max) == (Decimal(low), Decimal(low + extra))


@given(st.text())
def test_no_text_crashes_the_firm_parsers(text):
    firm = parse_firm_name(text)
    assert firm.key == firm_key(firm.name)
    assert len(firm.name) <= 300 and len(firm.location) <= 300
    assert all(part for part in split_firms(text))


@given(st.from_regex(r"[A-Z][a-z]{2,10}( [A-Z][a-z]{2,10}){0,3}", fullmatch=True))
def test_legal_forms_never_split_a_firm(name):
    assert firm_key(f"{name}, Inc.") == firm_key(f"{name} Inc") == firm_key(f"{name} LLC")


@given(st.text())
def test_no_text_crashes_the_other_parsers(text):
    parse_countries(text)
    parse_remedy_types(text)
    assert len(normalize_recall_number(text)) <= 40
    with contextlib.suppress(ValueError):
        parse_date(text)
