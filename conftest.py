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
