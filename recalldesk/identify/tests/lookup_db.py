"""Database set-up for lookup tests: 26-090 with its identifiers and rules entered by hand.

Whatever extraction stored for 26-090 is replaced inside the test's transaction (rolled back
after it), so these tests check the lookup, not the extraction.
"""

import html

import pytest

from recalldesk.identify.models import Identifier, Origin, SerialRule
from recalldesk.identify.selectors import lookup_index_forget
from recalldesk.identify.tests.lookup_rows import BELKIN, cpsc_row
from recalldesk.registry.models import Recall


def belkin_recall() -> Recall:
    """26-090 as imported from the bundled data, or created from its CSV row."""
    recall = Recall.objects.filter(number=BELKIN).first()
    if recall is not None:
        return recall
    row = cpsc_row(BELKIN)
    return Recall.objects.create(
        number=BELKIN,
        number_normalized=BELKIN.replace("-", ""),
        title=html.unescape(row["Recall Heading"]),
        product_name=row["Name of product"],
        description=html.unescape(row["Description"]),
        url="https://www.cpsc.gov/Recalls/2026/Belkin-Recalls-Portable-Power-Banks",
    )


def belkin_by_hand() -> Recall:
    recall = belkin_recall()
    Identifier.objects.filter(recall=recall).delete()
    SerialRule.objects.filter(recall=recall).delete()

    def model(value: str, where: str) -> Identifier:
        return Identifier.objects.create(
            recall=recall,
            kind="model",
            value=value,
            normalized=value,
            where_printed=where,
            origin=Origin.STAFF,
        )

    stand = model("MMA008", "on the bottom of the charging stand")
    power_bank = model("BPB002", "on the back of the power bank")
    small_bank = model("PB0003", "on the back of the power bank")
    for identifier, prefix in ((stand, "57X"), (power_bank, "35S")):
        SerialRule.objects.create(
            recall=recall, identifier=identifier, kind="prefix", prefix=prefix, length=14
        )
    SerialRule.objects.create(recall=recall, identifier=small_bank, kind="all")
    return recall


@pytest.fixture
def belkin(db, settings):
    settings.LOOKUP_INDEX_CHECK_SECONDS = 0
    settings.LOOKUP_INDEX_VERIFY_SECONDS = 0
    lookup_index_forget()
    yield belkin_by_hand()
    lookup_index_forget()
