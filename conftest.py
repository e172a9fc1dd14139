"""Shared test set-up: every test may use the database."""

import os

os.environ.setdefault("RECALLDESK_TESTING", "1")
