"""Isolation in selectors: each firm's staff read only their firm's rows; regulators read all."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from recalldesk.accounts import selectors, services
from recalldesk.accounts.errors import FirmNotFound
from recalldesk.accounts.models import FirmAccount, Membership, Role

pytestmark = pytest.mark.django_db


def firm_names(queryset):
    return sorted({str(row.firm_account) for row in queryset})


def test_each_user_sees_only_their_firms(alice, bob, belkin, anker):
    assert list(selectors.firm_accounts_for_user(user=alice)) == [belkin]
    assert list(selectors.firm_accounts_for_user(user=bob)) == [anker]


def test_a_regulator_sees_every_firm(rita, belkin, anker):
    assert list(selectors.firm_accounts_for_user(user=rita)) == [anker, belkin]


def test_visitors_and_deactivated_users_see_nothing(alice, belkin):
    assert not selectors.firm_accounts_for_user(user=AnonymousUser()).exists()
    assert not selectors.firm_accounts_for_user(user=None).exists()
    alice.is_active = False
    alice.save()
    assert not selectors.firm_accounts_for_user(user=alice).exists()


def test_scope_to_user_filters_any_queryset_by_its_firm_field(alice, carol, bob, rita):
    # Memberships stand in for the programs and claims that will call this.
    everything = Membership.objects.all()
    assert firm_names(selectors.scope_to_user(user=carol, queryset=everything)) == ["Belkin"]
    assert firm_names(selectors.scope_to_user(user=bob, queryset=everything)) == ["Anker"]
    assert firm_names(selectors.scope_to_user(user=rita, queryset=everything)) == [
        "Anker",
        "Belkin",
    ]


def test_scope_to_user_follows_a_longer_firm_field(alice, bob, belkin):
    # A user queryset reaches the firm through memberships: the people alice works with.
    people = get_user_model().objects.all()
    scoped = selectors.scope_to_user(
        user=alice, queryset=people, firm_field="memberships__firm_account"
    )
    assert sorted(user.email for user in scoped) == ["alice@belkin.example"]


def test_scope_to_user_with_an_action_keeps_only_firms_where_the_role_allows_it(
    alice, carol, belkin, anker, dan, rita
):
    # carol reviews at Anker but only views at Belkin.
    services.membership_create(actor=dan, firm_account=anker, user=carol, role=Role.REVIEWER)
    everything = FirmAccount.objects.all()
    readable = selectors.scope_to_user(user=carol, queryset=everything, firm_field="pk")
    reviewable = selectors.scope_to_user(
        user=carol, queryset=everything, firm_field="pk", action="claim.review"
    )
    assert list(readable) == [anker, belkin]
    assert list(reviewable) == [anker]
    # A regulator reads everything and may act on nothing.
    assert list(
        selectors.scope_to_user(
            user=rita, queryset=everything, firm_field="pk", action="claim.view"
        )
    ) == [anker, belkin]
    assert not selectors.scope_to_user(
        user=rita, queryset=everything, firm_field="pk", action="claim.review"
    ).exists()


def test_a_regulator_who_is_also_staff_acts_only_in_her_firm(rita, belkin, alice, anker):
    services.membership_create(actor=alice, firm_account=belkin, user=rita, role=Role.REVIEWER)
    reviewable = selectors.scope_to_user(
        user=rita, queryset=FirmAccount.objects.all(), firm_field="pk", action="claim.review"
    )
    assert list(reviewable) == [belkin]
    assert selectors.role_for(user=rita, firm_account=belkin) == Role.REVIEWER
    assert selectors.role_for(user=rita, firm_account=anker) == "regulator"


def test_membership_get_and_staff_lists_are_scoped(alice, carol, belkin, bob):
    assert selectors.membership_get(user=carol, firm_account=belkin).role == Role.VIEWER
    assert selectors.membership_get(user=bob, firm_account=belkin) is None
    staff = selectors.memberships_for_firm(user=carol, firm_account=belkin)
    assert sorted(m.user.email for m in staff) == ["alice@belkin.example", "carol@belkin.example"]
    assert not selectors.memberships_for_firm(user=bob, firm_account=belkin).exists()


def test_firm_account_get_for_user_hides_other_firms(alice, belkin, anker):
    assert selectors.firm_account_get_for_user(user=alice, slug="belkin") == belkin
    for slug in ("anker", "no-such-firm"):
        with pytest.raises(FirmNotFound, match="No such firm account, or you are not a member"):
            selectors.firm_account_get_for_user(user=alice, slug=slug)
