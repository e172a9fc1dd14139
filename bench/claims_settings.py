"""Settings of bench/claims.py: the project's own, with the floor endpoint's URLconf."""

from recalldesk.settings import *  # noqa: F403

ROOT_URLCONF = "bench.claims_urls"
