"""A client that sends too many requests gets 429 with Retry-After; other clients go on."""

import threading
import time

import pytest
import redis
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path
from ninja import NinjaAPI

from recalldesk.ratelimit import (
    RateLimitExceeded,
    ratelimit,
    ratelimit_enforce,
    ratelimit_hit,
    ratelimit_response,
)

FORM_LIMIT = 3
WINDOW = 60


@ratelimit(scope="test-claim-form", limit=FORM_LIMIT, window_seconds=WINDOW, methods=("POST",))
def claim_form(request):
    return HttpResponse("Claim received" if request.method == "POST" else "Claim form")


@ratelimit(
    scope="test-claim-by-email",
    limit=1,
    window_seconds=WINDOW,
    key=lambda request: request.POST.get("email", "").lower(),
)
def claim_by_email(request):
    return HttpResponse("Claim received")


api = NinjaAPI(urls_namespace="ratelimit-test", docs_url=None)
api.add_exception_handler(RateLimitExceeded, ratelimit_response)


@api.post("/claims")
@ratelimit(scope="test-api-claims", limit=2, window_seconds=WINDOW)
def api_claim(request, serial: str):
    return {"serial": serial}


@api.get("/eligibility")
def api_eligibility(request, model: str):
    ratelimit_enforce(request, scope="test-api-eligibility", limit=2, window_seconds=WINDOW)
    return {"model": model}


urlpatterns = [
    path("claim/", claim_form),
    path("claim-by-email/", claim_by_email),
    path("api/", api.urls),
]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def limits_on(settings, clock):
    # With the clock held (tests move it): requests straddling a window's edge would start a
    # new count and fail the test once in a while.
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """time.time() that a test moves forward; the cache's expiry follows it."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_form_posts_past_the_limit_get_429_with_retry_after(client):
    for _ in range(FORM_LIMIT):
        assert client.post("/claim/").status_code == 200

    refused = client.post("/claim/")

    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= WINDOW
    assert refused["Content-Type"].startswith("text/plain")
    message = refused.content.decode()
    assert "Too many requests" in message
    assert f"wait {retry_after} second" in message
    # Reading the form is not limited, only sending it.
    assert client.get("/claim/").status_code == 200


def test_another_client_is_not_held_back(client):
    for _ in range(FORM_LIMIT + 1):
        client.post("/claim/", REMOTE_ADDR="198.51.100.7")

    assert client.post("/claim/", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.post("/claim/", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_client_may_send_again_in_the_next_window(client, clock):
    for _ in range(FORM_LIMIT):
        client.post("/claim/")
    refused = client.post("/claim/")
    assert refused.status_code == 429

    clock[0] += int(refused["Retry-After"])

    assert client.post("/claim/").status_code == 200


def test_ipv6_addresses_of_one_network_share_a_limit(client):
    for host in range(FORM_LIMIT):
        client.post("/claim/", REMOTE_ADDR=f"2001:db8:5:7::{host + 1}")

    assert client.post("/claim/", REMOTE_ADDR="2001:db8:5:7:ffff::9").status_code == 429
    assert client.post("/claim/", REMOTE_ADDR="2001:db8:5:8::1").status_code == 200


def test_ipv4_client_seen_through_ipv6_socket_keeps_its_limit(client):
    for _ in range(FORM_LIMIT):
        client.post("/claim/", REMOTE_ADDR="198.51.100.7")

    assert client.post("/claim/", REMOTE_ADDR="::ffff:198.51.100.7").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings):
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for forged in range(FORM_LIMIT):
        # What the client wrote itself (left of the proxy's entry) cannot buy it a new budget.
        forwarded = f"10.9.9.{forged}, 198.51.100.7"
        assert client.post("/claim/", HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code == 200

    assert client.post("/claim/", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    assert client.post("/claim/", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 200


def test_an_extra_key_gives_each_email_address_its_own_limit(client):
    assert client.post("/claim-by-email/", {"email": "alice@example.org"}).status_code == 200
    assert client.post("/claim-by-email/", {"email": "Alice@example.org"}).status_code == 429
    assert client.post("/claim-by-email/", {"email": "bob@example.org"}).status_code == 200


def test_decorated_api_operation_answers_429_in_json(client):
    for _ in range(2):
        accepted = client.post("/api/claims?serial=57X00000000001")
        assert accepted.json() == {"serial": "57X00000000001"}

    refused = client.post("/api/claims?serial=57X00000000001")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many requests" in refused.json()["detail"]


def test_api_operation_that_enforces_the_limit_itself_answers_429_in_json(client):
    for _ in range(2):
        assert client.get("/api/eligibility?model=MMA008").json() == {"model": "MMA008"}

    refused = client.get("/api/eligibility?model=MMA008")

    assert refused.status_code == 429
    assert "Please wait" in refused.json()["detail"]
    assert int(refused["Retry-After"]) >= 1


def test_switched_off_nothing_is_limited(client, settings):
    settings.RATELIMIT_ENABLED = False

    statuses = {client.post("/claim/").status_code for _ in range(FORM_LIMIT * 3)}

    assert statuses == {200}


def test_long_waits_are_told_in_minutes(clock):
    clock[0] = 3600 * 500_000 + 10  # ten seconds into an hour
    ratelimit_hit(scope="test-hourly", key="198.51.100.7", limit=1, window_seconds=3600)

    with pytest.raises(RateLimitExceeded) as refused:
        ratelimit_hit(scope="test-hourly", key="198.51.100.7", limit=1, window_seconds=3600)

    assert refused.value.retry_after == 3590
    assert "Please wait 60 minutes and try again." in str(refused.value)


def _concurrent_hits(*, limit: int, threads: int, hits_each: int) -> int:
    accepted = []
    start = threading.Barrier(threads)

    def hammer():
        start.wait()
        for _ in range(hits_each):
            try:
                ratelimit_hit(
                    scope="test-concurrent", key="198.51.100.7", limit=limit, window_seconds=WINDOW
                )
            except RateLimitExceeded:
                continue
            accepted.append(1)

    workers = [threading.Thread(target=hammer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(accepted)


def test_concurrent_requests_never_exceed_the_limit():
    assert _concurrent_hits(limit=50, threads=8, hits_each=25) == 50


def _redis_reachable() -> bool:
    try:
        return bool(
            redis.Redis.from_url("redis://127.0.0.1:6379/13", socket_connect_timeout=1).ping()
        )
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server at 127.0.0.1:6379")
def test_limit_shared_through_redis_holds_under_concurrency(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": f"recalldesk-test-{time.monotonic_ns()}",
        }
    }

    assert _concurrent_hits(limit=50, threads=8, hits_each=25) == 50
    with pytest.raises(RateLimitExceeded):
        ratelimit_hit(scope="test-concurrent", key="198.51.100.7", limit=50, window_seconds=WINDOW)
