"""The cast of the accounts tests; see factories.py."""

import pytest

from recalldesk.accounts.models import Role
from recalldesk.accounts.tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; every test here makes users with passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def belkin(db):
    return factories.belkin()


@pytest.fixture
def anker(db):
    return factories.anker()


@pytest.fixture
def alice(belkin):
    return belkin.memberships.get(user__email="alice@belkin.example").user


@pytest.fixture
def carol(belkin):
    return factories.member(belkin, name="carol", domain="belkin.example", role=Role.VIEWER)


@pytest.fixture
def dan(anker):
    return anker.memberships.get(user__email="dan@anker.example").user


@pytest.fixture
def bob(anker):
    return factories.member(anker, name="bob", domain="anker.example", role=Role.REVIEWER)


@pytest.fixture
def rita(db):
    return factories.regulator()
