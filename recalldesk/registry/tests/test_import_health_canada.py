"""Importing Health Canada's recalls open data."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from recalldesk.registry.models import Recall
from recalldesk.registry.services import recalls_import_file

HEALTH_CANADA = Path(__file__).parent / "files" / "health-canada-sample.json"

pytestmark = pytest.mark.django_db


def test_health_canada_records_become_health_canada_recalls():
    run = recalls_import_file(path=HEALTH_CANADA)

    assert (run.source_format, run.created, run.rejected) == ("health-canada-json", 3, 1)
    assert run.errors == [{"position": "record 4", "reason": "has no NID"}]
    ninja = Recall.objects.get(agency="HC", number_normalized="76341")
    assert ninja.title == (
        "Ninja Foodi TenderCrisp Multi-Cookers & Pressure Cooking Lid recalled due to "
        "potential burn hazard"
    )
    assert ninja.product_name == "Ninja Foodi TenderCrisp Multi-Cookers & Pressure Cooking Lids"
    assert ninja.url.startswith("https://recalls-rappels.canada.ca/en/alert-recall/ninja-foodi")
    assert ninja.hazard == "Product safety - Burn hazard"
    assert ninja.consumer_action.startswith("Consumers should immediately stop using")
    assert ninja.recall_date == ninja.last_published_date == dt.date(2025, 2, 6)
    assert ninja.extra == {
        "organization": "Health Canada",
        "category": "Consumer products - Household items",
        "recall_class": "Type II",
        "archived": False,
    }


def test_entities_and_zero_width_spaces_are_gone_from_titles():
    recalls_import_file(path=HEALTH_CANADA)

    crib = Recall.objects.get(agency="HC", number_normalized="74512")
    assert (
        crib.title == "Crate & Barrel Hampshire cribs recalled due to fall and entrapment hazards"
    )
    assert "\u200b" not in crib.title
    # No Product: the title names the product.
    assert [p.name for p in crib.products.all()] == [crib.title]
    assert crib.extra["archived"] is True
    assert "Crate & Barrel" in crib.consumer_action


def test_a_health_canada_number_never_merges_with_a_cpsc_one():
    recalls_import_file(path=HEALTH_CANADA)

    assert not Recall.objects.filter(agency="CPSC", number_normalized="76341").exists()
    assert Recall.objects.filter(agency="HC").count() == 3


def test_the_format_is_told_by_content_and_a_second_import_changes_nothing():
    first, second = io.StringIO(), io.StringIO()

    call_command("import_recalls", str(HEALTH_CANADA), stdout=first)
    call_command(
        "import_recalls", str(HEALTH_CANADA), "--format", "health-canada-json", stdout=second
    )

    assert first.getvalue().startswith(
        "health-canada-sample.json (health-canada-json): 3 created, 0 updated, 0 unchanged, "
        "1 rejected"
    )
    assert "  rejected record 4: has no NID" in first.getvalue()
    assert ": 0 created, 0 updated, 3 unchanged, 1 rejected" in second.getvalue()
