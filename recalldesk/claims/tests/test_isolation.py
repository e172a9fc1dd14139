"""A firm's programs and claims are invisible to another firm's staff: 404 on every /firm/ page.

The pages are enumerated from the URL patterns, so a page added later is checked too; a pattern
whose arguments this test does not know how to fill fails the test until it is taught.
"""

import pytest
from django.urls import URLPattern, reverse

from recalldesk.accounts.models import Role
from recalldesk.accounts.tests import factories
from recalldesk.claims import urls_evidence, urls_staff
from recalldesk.claims.models import Program, ProgramProduct
from recalldesk.claims.programs import SerialRuleInput, program_product_add
from recalldesk.claims.tests.programs_setup import FAST_HASHERS, claim_for, program_for

pytestmark = pytest.mark.django_db

# Pages not about one program or claim: what they show is checked below instead.
UNSCOPED = {"claims_staff:home", "claims_staff:program_list", "claims_staff:program_create"}

# How to fill each URL argument with one of firm A's (Belkin's) objects.
ARGUMENTS = {
    "slug": lambda world: world["program"].slug,
    "product_id": lambda world: world["product"].pk,
    "number": lambda world: world["claim"].number,
    "pk": lambda world: world["claim"].evidence.get().pk,
}


def firm_pages() -> list[tuple[str, URLPattern]]:
    pages = []
    for module in (urls_staff, urls_evidence):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern), "flatten nested includes here"
            pages.append((f"{module.app_name}:{pattern.name}", pattern))
    return pages


SCOPED = [name for name, pattern in firm_pages() if name not in UNSCOPED]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def world():
    """Belkin (firm A) with a program, a product and a claim; Anker (firm B) with its own."""
    belkin = factories.belkin()
    alice = belkin.memberships.get().user
    program = program_for(belkin, alice, "26-090")
    product = program_product_add(
        actor=alice,
        program=program,
        model_number="MMA008",
        name="Charging stand",
        rule=SerialRuleInput(kind="prefix", prefix="57X", length=14),
    )
    anker = factories.anker()
    dan = anker.memberships.get().user
    anker_program = program_for(anker, dan, "25-338")
    anker_product = program_product_add(
        actor=dan,
        program=anker_program,
        model_number="A1263",
        name="PowerCore",
        rule=SerialRuleInput(),
    )
    return {
        "alice": alice,
        "program": program,
        "product": product,
        "claim": claim_for(program, product, serial="57X00000000001"),
        "bob": factories.member(anker, name="bob", domain="anker.example", role=Role.REVIEWER),
        "dan": dan,
        "anker_program": anker_program,
        "anker_product": anker_product,
    }


def page_url(name: str, world: dict) -> str:
    pattern = dict(firm_pages())[name]
    names = set(pattern.pattern.converters)
    unknown = names - set(ARGUMENTS)
    assert not unknown, f"{name}: teach this test to fill {unknown}"
    return reverse(name, kwargs={arg: ARGUMENTS[arg](world) for arg in names})


def test_every_firm_page_is_either_scoped_or_listed_as_unscoped():
    names = {name for name, _ in firm_pages()}
    assert names >= UNSCOPED
    for name, pattern in firm_pages():
        if name not in UNSCOPED:
            assert pattern.pattern.converters, f"{name} takes no program or claim: list it"


@pytest.mark.parametrize("name", SCOPED)
@pytest.mark.parametrize("who", ["bob", "dan"])
def test_another_firms_staff_get_404_for_every_page_of_firm_a(client, world, name, who):
    client.force_login(world[who])
    target = page_url(name, world)
    assert client.get(target).status_code == 404
    # 405 (a page that takes no POST) is the same for every object, so it reveals nothing.
    posted = client.post(target, {"name": "taken over", "amount_usd": "1.00"})
    assert posted.status_code in (404, 405)
    if name.startswith("claims_staff:"):
        # Firm A's alice sees the page: the 404 is about who asks, not a broken page.
        client.force_login(world["alice"])
        assert client.get(target).status_code == 200


def test_firm_a_objects_under_firm_b_program_are_not_found(client, world):
    client.force_login(world["dan"])
    slug, product = world["anker_program"].slug, world["product"].pk
    for name in ("claims_staff:product_edit", "claims_staff:prices_set"):
        assert client.get(reverse(name, args=[slug, product])).status_code == 404
        assert client.post(reverse(name, args=[slug, product]), {}).status_code == 404
    world["product"].refresh_from_db()
    assert world["product"].model_number == "MMA008"


def test_lists_show_only_the_users_firm(client, world):
    client.force_login(world["bob"])
    page = client.get(reverse("claims_staff:program_list")).content.decode()
    assert world["anker_program"].name in page
    assert world["program"].name not in page and world["program"].slug not in page


def test_firm_b_cannot_start_a_program_in_firm_as_name(client, world):
    client.force_login(world["dan"])
    belkin = world["program"].firm_account
    form = client.get(reverse("claims_staff:program_create")).content.decode()
    assert belkin.name not in form
    response = client.post(
        reverse("claims_staff:program_create"),
        {
            "firm_account": belkin.pk,
            "recall_number": "26-090",
            "name": "Taken over",
            "opens_on": "2025-11-13",
            "receipt": "optional",
            "destruction_proof": "none",
            "refund_offered": "on",
            "currency_us": "USD",
            "claims_per_contact_threshold": "3",
        },
    )
    assert response.status_code == 400
    assert not Program.objects.filter(name="Taken over").exists()
    assert ProgramProduct.objects.filter(program__firm_account=belkin).count() == 1
