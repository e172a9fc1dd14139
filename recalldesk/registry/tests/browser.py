"""Headless Chromium for browser tests: Debian's package, driven by Playwright's sync API."""

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUNDLED_CSV = settings.DATA_DIR / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextlib.contextmanager
def chromium_page(*, viewport: dict | None = None) -> Iterator:
    """A fresh page in headless Chromium; skips the test when Debian's chromium is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses
    # ORM calls from a thread with a running loop unless told it is safe, as it is here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                context = browser.new_context(viewport=viewport or DESKTOP)
                page = context.new_page()
                page.set_default_timeout(15_000)
                yield page
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def ensure_bundled_recall(number: str) -> None:
    """Import this recall's real CSV row, if an earlier transactional test flushed the data."""
    from recalldesk.registry.selectors import recall_get
    from recalldesk.registry.services import recalls_import_file

    if recall_get(number=number) is not None:
        return
    with BUNDLED_CSV.open(encoding="utf-8-sig", newline="") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["Recall Number"] == number]
        columns = reader.fieldnames or []
    assert rows, f"recall {number} is not in {BUNDLED_CSV.name}"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"cpsc-{number}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        run = recalls_import_file(path=path, source_format="cpsc-csv")
    assert run.created == len(rows), run.errors
