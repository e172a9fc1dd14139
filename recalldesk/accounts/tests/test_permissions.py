"""The role table: what each role may do, checked action by action."""

import pytest

from recalldesk.accounts.permissions import (
    ACTION_LABELS,
    ACTIONS,
    REGULATOR,
    role_can,
    role_summaries,
    roles_allowed,
)

# Written out again here on purpose: a change to who may do what must change this test too.
EXPECTED = {
    "admin": {
        "program.view",
        "program.edit",
        "claim.view",
        "claim.review",
        "claim.pay",
        "staff.view",
        "staff.manage",
        "token.manage",
    },
    "coordinator": {
        "program.view",
        "program.edit",
        "claim.view",
        "claim.review",
        "claim.pay",
        "staff.view",
    },
    "reviewer": {"program.view", "claim.view", "claim.review", "staff.view"},
    "viewer": {"program.view", "claim.view", "staff.view"},
    "regulator": {"program.view", "claim.view", "staff.view"},
}


def test_the_table_names_every_action_once():
    assert set().union(*EXPECTED.values()) == ACTIONS


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_role_can(role, action):
    assert role_can(role, action) is (action in EXPECTED[role])


def test_a_viewer_cannot_manage_staff_and_a_reviewer_cannot_pay():
    assert not role_can("viewer", "staff.manage")
    assert not role_can("reviewer", "claim.pay")
    assert role_can("reviewer", "claim.review")


def test_a_regulator_reads_and_changes_nothing():
    assert role_can(REGULATOR, "claim.view")
    assert not any(
        role_can(REGULATOR, action) for action in ACTIONS if not action.endswith(".view")
    )


def test_no_role_and_an_unknown_role_may_do_nothing():
    assert not any(role_can(None, action) for action in ACTIONS)
    assert not any(role_can("owner", action) for action in ACTIONS)


def test_a_misspelt_action_is_an_error_not_a_silent_no():
    with pytest.raises(ValueError, match="Unknown action 'claims.review'"):
        role_can("admin", "claims.review")


def test_roles_allowed_lists_membership_roles_only():
    assert roles_allowed("claim.pay") == ["admin", "coordinator"]
    assert roles_allowed("claim.view") == ["admin", "coordinator", "reviewer", "viewer"]


def test_every_action_has_words_for_the_staff_page():
    assert set(ACTION_LABELS) == ACTIONS
    summaries = dict(role_summaries())
    assert summaries["Viewer"] == ["read programs", "read claims", "see the firm's staff"]
    assert "add, change and remove staff" in summaries["Admin"]
