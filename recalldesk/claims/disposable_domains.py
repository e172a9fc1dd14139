"""Disposable e-mail services: inboxes that vanish after minutes, so the owner cannot be reached.

The list is the `disposable-email-domains` package (MIT), a Python mirror of the community
list at https://github.com/disposable-email-domains/disposable-email-domains, released often;
upgrading the package updates the list.
"""

from disposable_email_domains import blocklist

# Services a reviewer has seen that the published list does not have yet; lowercase domains.
EXTRA_DISPOSABLE_DOMAINS: frozenset[str] = frozenset()


def disposable_domain_find(*, domain: str) -> str | None:
    """The listed disposable domain that `domain` is or belongs to, else None.

    Many services hand out subdomains (`anything.mailinator.com`), so each parent domain is
    checked too, down to two labels: a bare top-level domain such as `com` is never listed.
    """
    labels = domain.strip().rstrip(".").lower().split(".")
    for start in range(max(len(labels) - 1, 0)):
        candidate = ".".join(labels[start:])
        if candidate in blocklist or candidate in EXTRA_DISPOSABLE_DOMAINS:
            return candidate
    return None
