"""Claim numbers people read over the phone, and the secret tokens of claim status pages.

A claim number is "RD-" and 8 characters of Crockford's base32 in two groups, e.g.
"RD-7K4M-Q2XP": digits and capitals without I, L, O and U, so nothing read aloud or typed from
a letter is mistaken for something else (32^8, about 10^12 numbers; picked at random, so a
number says nothing about how many claims a firm has). A status token is
secrets.token_urlsafe(32); only its sha256 is stored.
"""

import base64
import hashlib
import hmac
import re
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "RD-"
GROUP = 4
GROUPS = 2
# What people type for the letters the alphabet leaves out, as Crockford specifies.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_NUMBER = re.compile(rf"^RD-[{ALPHABET}]{{{GROUP}}}-[{ALPHABET}]{{{GROUP}}}$")


def claim_number_new() -> str:
    """A random claim number such as RD-7K4M-Q2XP."""
    characters = "".join(secrets.choice(ALPHABET) for _ in range(GROUP * GROUPS))
    groups = [characters[i : i + GROUP] for i in range(0, len(characters), GROUP)]
    return PREFIX + "-".join(groups)


def claim_number_normalize(text: str) -> str | None:
    """The claim number as stored for what a person typed ("rd 7k4m q2xp", "7K4MQ2XP"), or None."""
    compact = re.sub(r"[\s\-_.]+", "", (text or "").upper()[:40]).translate(_TYPED)
    if compact.startswith("RD"):
        compact = compact[2:]
    if len(compact) != GROUP * GROUPS or any(c not in ALPHABET for c in compact):
        return None
    return f"{PREFIX}{compact[:GROUP]}-{compact[GROUP:]}"


def claim_number_is_valid(number: str) -> bool:
    """True for a number written exactly as claim_number_new writes them."""
    return bool(_NUMBER.match(number or ""))


def status_token_hash(token: str) -> str:
    """The sha256 hex of a status token: what Claim.status_token_hash holds."""
    return hashlib.sha256(token.encode()).hexdigest()


def status_token_new() -> str:
    """A fresh, unguessable status-page token (256 bits)."""
    return secrets.token_urlsafe(32)


def status_token_for_idempotency_key(*, idempotency_key: str, claim_number: str) -> str:
    """The status token of a claim filed with an Idempotency-Key, derived so a retry can show it.

    A retried request must get the same answer, status page link included, but only the
    token's hash is stored. HMAC with SECRET_KEY over the client's key (stored only as a hash,
    see services) and the claim number gives the same 256 bits again, and neither a copy of
    the database nor SECRET_KEY alone opens the page.
    """
    message = f"claim-status-token|{idempotency_key}|{claim_number}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
