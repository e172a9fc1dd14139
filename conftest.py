"""Shared test set-up: every test may use the database."""

import pytest

pytest_plugins = ["recalldesk.testing.smtp"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the bundled CPSC recalls imported once for the whole run.

    Every test sees the 760 CSV recalls and the API records; a test that needs an empty
    registry deletes inside its own transaction, which is rolled back after it.
    """
    from recalldesk.registry.services import recalls_load_bundled

    with django_db_blocker.unblock():
        recalls_load_bundled()


@pytest.fixture
def rate_limit_clock_held(monkeypatch):
    """Hold the rate limiter's clock still for the test.

    Limits count in fixed windows of the clock (recalldesk/ratelimit.py): a test whose
    requests straddle a window's edge would see its count start over and fail once in a while.
    """
    import time
    from types import SimpleNamespace

    from recalldesk import ratelimit

    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
