"""Store credit codes: 16 characters of Crockford base32 (80 random bits), read in groups of 4."""

import secrets

# Crockford's alphabet leaves out I, L, O and U: nothing an owner could misread or mistype.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
GROUP = 4
# What people type instead of the letters the alphabet leaves out.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def store_credit_code_new() -> str:
    """A fresh random code, as stored (no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def store_credit_code_format(code: str) -> str:
    """A stored code as people read it: ABCD-EFGH-JKMN-PQRS."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def store_credit_code_normalize(text: str) -> str | None:
    """The stored form of a code as someone typed it, or None when it cannot be one."""
    code = "".join(ch for ch in (text or "").upper() if ch not in "- \t").translate(_READ_AS)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code
