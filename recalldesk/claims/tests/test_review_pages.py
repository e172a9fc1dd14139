"""The review back office through HTTP: the queue, a claim's decisions, bulk approval, and who
may see and act. The demo claim is filed through the claim form, as an owner would."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, reverse

from recalldesk.claims import urls_review
from recalldesk.claims.models import Claim, ClaimStatus
from recalldesk.claims.tests import claim_form_walk as walk
from recalldesk.claims.tests.programs_setup import FAST_HASHERS, demo
from recalldesk.claims.tests.review_setup import review_world
from recalldesk.ledger.codes import store_credit_code_format
from recalldesk.ledger.models import StoreCredit

pytestmark = pytest.mark.django_db

COUNT = re.compile(r'data-status="(\w+)"[^>]*>[^<]*<span class="count">(\d+)</span>')


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.CLAIM_UPLOADS_ROOT = tmp_path / "uploads"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def world():
    return review_world()


def queue(client: Client, world: dict, **filters) -> str:
    response = client.get(reverse("claims_review:queue", args=[world["program"].slug]), filters)
    assert response.status_code == 200
    return response.content.decode()


def numbers_in(page: str, world: dict) -> set[str]:
    names = ("clean", "clean_two", "flagged", "canadian", "old")
    return {name for name in names if world[name].number in page}


def test_the_queue_counts_claims_per_status(client, world):
    Claim.objects.filter(pk=world["clean_two"].pk).update(status=ClaimStatus.REJECTED)
    client.force_login(world["rose"])

    counts = {status: int(n) for status, n in COUNT.findall(queue(client, world))}

    assert counts["submitted"] == 3
    assert counts["in_review"] == 1
    assert counts["rejected"] == 1
    assert counts["approved"] == 0
    assert set(counts) == set(ClaimStatus.values)
    # Counts follow the other filters: of the U.S. claims without signals, two are submitted.
    narrowed = queue(client, world, country="US", signals="no")
    counts = {status: int(n) for status, n in COUNT.findall(narrowed)}
    assert counts["submitted"] == 1 and counts["in_review"] == 1 and counts["rejected"] == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"clean", "clean_two", "flagged", "canadian", "old"}),
        ({"status": "submitted"}, {"clean", "clean_two", "flagged", "canadian"}),
        ({"status": "in_review"}, {"old"}),
        ({"signals": "yes"}, {"flagged"}),
        ({"signals": "no"}, {"clean", "clean_two", "canadian", "old"}),
        ({"age": "7"}, {"old"}),
        ({"country": "CA"}, {"canadian"}),
        ({"product": "bank"}, {"canadian", "old"}),
        ({"product": "bank", "status": "submitted"}, {"canadian"}),
        # A value not offered is ignored rather than answered with an error page.
        ({"status": "bogus", "age": "x"}, {"clean", "clean_two", "flagged", "canadian", "old"}),
    ],
)
def test_the_queue_filters(client, world, filters, expected):
    if filters.get("product") == "bank":
        filters = dict(filters, product=world["bank"].pk)
    client.force_login(world["rose"])
    assert numbers_in(queue(client, world, **filters), world) == expected


def test_the_program_page_links_to_its_queue(client, world):
    client.force_login(world["carol"])
    page = client.get(reverse("claims_staff:program_detail", args=[world["program"].slug]))
    assert reverse("claims_review:queue", args=[world["program"].slug]) in page.content.decode()


def test_the_claim_page_shows_evidence_eligibility_signals_and_history(client, world):
    client.force_login(world["rose"])
    claim = world["flagged"]
    page = client.get(reverse("claims_review:claim", args=[claim.number])).content.decode()

    evidence = claim.evidence.get()
    assert f'src="{reverse("claims_evidence:file", args=[evidence.pk])}"' in page
    assert "Open full size" in page
    assert 'class="eligibility-eligible"' in page
    assert "The photo of the back is also on claim X." in page
    assert "duplicate_photo" in page
    assert "Submitted" in page
    for button in ("Approve", "Reject the claim", "Ask the owner for information"):
        assert button in page
    assert "<script>" not in page and "style=" not in page


@pytest.fixture
def filed(client, tmp_path):
    """The demo claim filed through the form, its status page, and the demo reviewer."""
    setup = demo(tmp_path)
    walk.walk_to_review(client, setup.program)
    client.post(walk.step_url(setup.program, "review"))
    page = client.get(reverse("claims:submitted", args=[setup.program.slug])).content.decode()
    status_url = re.search(r'href="http://testserver(/claims/status/[^"]+/)"', page).group(1)
    claim = Claim.objects.get(program=setup.program, serial_number=walk.SERIAL)
    reviewer = get_user_model().objects.get(email="demo-reviewer@belkin.example")
    staff = Client()
    staff.force_login(reviewer)
    return claim, status_url, staff


def test_approving_the_demo_claim_issues_store_credit(
    filed, mailoutbox, django_capture_on_commit_callbacks
):
    claim, status_url, staff = filed
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("claims_review:approve", args=[claim.number]), follow=True)

    page = response.content.decode()
    assert f"Claim {claim.number} was approved." in page
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CREDITED
    credit = StoreCredit.objects.get(claim=claim)
    [message] = mailoutbox
    assert message.to == [claim.email]
    assert store_credit_code_format(credit.code) in message.body
    owner = Client().get(status_url).content.decode()
    assert '<p class="status-label">Store credit issued</p>' in owner
    assert "$71.99" in owner
    # The history on the review page names the reviewer and both moves.
    history = page[page.index('id="history-title"') :]
    assert "Approved" in history and "Store credit issued" in history
    # Approving again is refused in words, not a 500, and posts nothing twice.
    again = staff.post(reverse("claims_review:approve", args=[claim.number]), follow=True)
    assert "cannot become approved" in again.content.decode()
    assert StoreCredit.objects.filter(claim=claim).count() == 1


def test_rejecting_needs_a_reason_which_the_owner_reads(
    filed, mailoutbox, django_capture_on_commit_callbacks
):
    claim, status_url, staff = filed
    url = reverse("claims_review:reject", args=[claim.number])

    empty = staff.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert "Give the reason the owner will read." in empty.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED

    reason = "The serial number on the photo is 58A, which this recall does not include."
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"reason": reason})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    owner = Client().get(status_url).content.decode()
    assert '<p class="status-label">Rejected</p>' in owner
    assert "58A, which this recall does not include" in owner
    assert [m.to for m in mailoutbox] == [[claim.email]]


def test_asking_for_information_emails_the_owner_a_link(
    filed, mailoutbox, django_capture_on_commit_callbacks
):
    claim, status_url, staff = filed
    url = reverse("claims_review:request_info", args=[claim.number])
    assert staff.post(url, {"message": ""}).status_code == 400

    message = "Please send a photo of the label under the stand, where the serial is printed."
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"message": message}, follow=True)
    assert "was asked for more information" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO
    [mail] = mailoutbox
    assert "the label under the stand" in mail.body
    assert re.search(r"https?://\S+/claims/\S+", mail.body)
    assert "the label under the stand" in Client().get(status_url).content.decode()

    # The owner says the e-mail never came: the reviewer sends a new request from the page.
    page = response.content.decode()
    assert "Send a new request for information" in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = staff.post(url, {"message": "Resent: the label under the stand."}, follow=True)
    assert "was asked for more information" in again.content.decode()
    [resent] = mailoutbox
    first_link = re.search(r"https?://\S+/claims/\S+", mail.body).group(0)
    assert first_link not in resent.body


def test_bulk_approval_of_every_clean_claim_leaves_flagged_ones(client, world):
    client.force_login(world["rose"])
    url = reverse("claims_review:bulk_approve", args=[world["program"].slug])

    response = client.post(url, {"scope": "all"}, follow=True)

    assert response.status_code == 200
    assert "4 claims approved" in response.content.decode()
    statuses = dict(Claim.objects.values_list("number", "status"))
    for name in ("clean", "clean_two", "canadian", "old"):
        assert statuses[world[name].number] in (ClaimStatus.APPROVED, ClaimStatus.CREDITED)
    assert statuses[world["flagged"].number] == ClaimStatus.SUBMITTED


def test_bulk_approval_of_chosen_claims_skips_a_flagged_one(client, world):
    client.force_login(world["rose"])
    url = reverse("claims_review:bulk_approve", args=[world["program"].slug])
    page = queue(client, world)
    assert f'value="{world["clean"].pk}"' in page
    assert f'value="{world["flagged"].pk}"' not in page  # not offered for choosing

    chosen = [world["clean"].pk, world["flagged"].pk]  # a hand-made request
    client.post(url, {"scope": "selected", "claim_ids": chosen})

    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert statuses[world["clean"].pk] != ClaimStatus.SUBMITTED
    assert statuses[world["flagged"].pk] == ClaimStatus.SUBMITTED
    assert statuses[world["clean_two"].pk] == ClaimStatus.SUBMITTED
    nothing = client.post(url, {"scope": "selected"}, follow=True)
    assert "Choose the claims to approve" in nothing.content.decode()


# How to fill each URL argument with one of Belkin's objects.
ARGUMENTS = {
    "slug": lambda world: world["program"].slug,
    "number": lambda world: world["clean"].number,
}


def review_pages() -> list[tuple[str, URLPattern]]:
    pages = []
    for pattern in urls_review.urlpatterns:
        assert isinstance(pattern, URLPattern), "flatten nested includes here"
        pages.append((f"{urls_review.app_name}:{pattern.name}", pattern))
    return pages


def page_url(pattern: URLPattern, name: str, world: dict) -> str:
    names = set(pattern.pattern.converters)
    assert names, f"{name} takes no program or claim: it cannot be scoped"
    unknown = names - set(ARGUMENTS)
    assert not unknown, f"{name}: teach this test to fill {unknown}"
    return reverse(name, kwargs={arg: ARGUMENTS[arg](world) for arg in names})


DECISION = {"reason": "taken over", "message": "taken over", "scope": "all"}


@pytest.mark.parametrize(("name", "pattern"), review_pages(), ids=[n for n, _ in review_pages()])
@pytest.mark.parametrize("who", ["bob", "dan"])
def test_another_firms_staff_get_404_on_every_review_page(client, world, name, pattern, who):
    target = page_url(pattern, name, world)
    client.force_login(world[who])
    got, posted = client.get(target).status_code, client.post(target, DECISION).status_code
    # 405 (a page that takes no POST, or an action no GET) is the same for every object.
    assert {got, posted} <= {404, 405} and 404 in {got, posted}
    assert set(Claim.objects.values_list("status", flat=True)) == {"submitted", "in_review"}
    # Belkin's own reviewer reaches the page: the 404 is about who asks, not a broken page.
    client.force_login(world["rose"])
    method = client.get if got == 404 else client.post
    assert method(target, DECISION).status_code in (200, 302)


@pytest.mark.parametrize("who", ["carol", "regulator"])
def test_a_viewer_sees_but_cannot_decide(client, world, who):
    from recalldesk.accounts.tests import factories

    user = world["carol"] if who == "carol" else factories.regulator()
    client.force_login(user)
    claim = world["clean"]
    page = client.get(reverse("claims_review:claim", args=[claim.number])).content.decode()
    assert claim.number in page and "Your role can read claims but not decide them." in page
    assert "Reject the claim" not in page
    assert "Approve all" not in queue(client, world)
    for name in ("approve", "reject", "request_info", "start"):
        response = client.post(reverse(f"claims_review:{name}", args=[claim.number]), DECISION)
        assert response.status_code == 403, name
    bulk = reverse("claims_review:bulk_approve", args=[world["program"].slug])
    assert client.post(bulk, {"scope": "all"}).status_code == 403
    assert set(Claim.objects.values_list("status", flat=True)) == {"submitted", "in_review"}


def test_starting_a_review_shows_in_the_history(client, world):
    client.force_login(world["rose"])
    claim = world["clean"]
    response = client.post(reverse("claims_review:start", args=[claim.number]), follow=True)
    page = response.content.decode()
    assert "is in review" in page
    history = page[page.index('id="history-title"') :]
    assert "Rose" in history and "In review" in history
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
