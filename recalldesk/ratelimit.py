"""Rate limits per client: requests counted in Django's cache in fixed windows of time.

A view: `@ratelimit(scope="claim-submit", limit=10, window_seconds=600, methods=("POST",))`.
A django-ninja operation: the same decorator under the router's (`@router.post(...)` on top),
or `ratelimit_enforce(request, ...)` inside it with `ratelimit_response` registered as the
API's exception handler for RateLimitExceeded. Either way the answer is 429 with Retry-After.
"""

import hashlib
import ipaddress
import math
import time
from collections.abc import Callable, Collection
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

# A person holds a whole IPv6 /64 and can change address inside it at will.
IPV6_PREFIX = 64


class RateLimitExceeded(Exception):
    """Too many requests from one client in the current window."""

    def __init__(self, *, retry_after: int) -> None:
        self.retry_after = retry_after
        wait = (
            f"{retry_after} second{'s' if retry_after != 1 else ''}"
            if retry_after < 120
            else f"{math.ceil(retry_after / 60)} minutes"
        )
        super().__init__(
            f"Too many requests from your connection in a short time. "
            f"Please wait {wait} and try again."
        )


def client_address(request: HttpRequest) -> str:
    """The client's IP address (its /64 for IPv6), trusting only the configured proxies."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.RATELIMIT_TRUSTED_PROXIES
    if proxies:
        # Each trusted proxy appends the address it received from; entries further left were
        # written by the client and can be anything.
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


def ratelimit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> int:
    """Count one request for scope and key; raise RateLimitExceeded past limit per window."""
    if limit < 1 or window_seconds < 1:
        raise ValueError("A rate limit needs limit >= 1 and window_seconds >= 1.")
    now = time.time()
    window_start = int(now // window_seconds) * window_seconds
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{window_seconds}:{window_start}:{digest}"
    # incr() is atomic on Redis and under LocMem's lock, so two requests never share a count.
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    if count > limit:
        raise RateLimitExceeded(retry_after=max(1, math.ceil(window_start + window_seconds - now)))
    return count


def ratelimit_enforce(
    request: HttpRequest,
    *,
    scope: str,
    limit: int,
    window_seconds: int,
    key: Callable[[HttpRequest], str] | None = None,
) -> None:
    """Count this request against the client's limit; raise RateLimitExceeded when over it."""
    if not settings.RATELIMIT_ENABLED:
        return
    client = client_address(request)
    if key is not None:
        client = f"{client}|{key(request)}"
    ratelimit_hit(scope=scope, key=client, limit=limit, window_seconds=window_seconds)


def ratelimit_response(request: HttpRequest, error: RateLimitExceeded) -> HttpResponse:
    """The 429 answer: JSON for the API, plain text for pages, with Retry-After in seconds."""
    message = str(error)
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(error.retry_after)
    return response


def ratelimit(
    *,
    scope: str,
    limit: int,
    window_seconds: int,
    methods: Collection[str] | None = None,
    key: Callable[[HttpRequest], str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view so a client gets 429 after `limit` requests (of `methods`) per window."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if methods is None or request.method in methods:
                try:
                    ratelimit_enforce(
                        request, scope=scope, limit=limit, window_seconds=window_seconds, key=key
                    )
                except RateLimitExceeded as error:
                    return ratelimit_response(request, error)
            return view(request, *args, **kwargs)

        return limited

    return decorator
