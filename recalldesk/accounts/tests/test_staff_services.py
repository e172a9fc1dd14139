"""The services behind the staff page, for callers other than the page (commands, the API)."""

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from recalldesk.accounts import services
from recalldesk.accounts.errors import FirmNotFound, InvalidInput, PermissionDenied
from recalldesk.accounts.models import FirmAccount, Membership, Role
from recalldesk.accounts.permissions import REGULATOR
from recalldesk.accounts.tests import factories

pytestmark = pytest.mark.django_db


def invite(actor, firm_account, email, role="reviewer"):
    return services.staff_invite(
        actor=actor,
        firm_account=firm_account,
        email=email,
        role=role,
        base_url="https://rd.example",
    )


def test_a_firm_account_links_to_the_firm_as_published(belkin):
    assert belkin.slug == "belkin"
    assert belkin.registry_firm.name == "Belkin International Inc."
    assert belkin.memberships.get().role == Role.ADMIN


def test_firm_account_create_makes_a_slug_and_refuses_a_taken_one(belkin):
    account = services.firm_account_create(name="  IKEA Supply AG ")
    assert (account.name, account.slug) == ("IKEA Supply AG", "ikea-supply-ag")
    with pytest.raises(InvalidInput, match="address 'belkin' already exists"):
        services.firm_account_create(name="Belkin")
    with pytest.raises(InvalidInput, match="needs a name"):
        services.firm_account_create(name="   ")
    with pytest.raises(InvalidInput, match="Cannot make a web address"):
        services.firm_account_create(name="!!!")
    assert FirmAccount.objects.count() == 2


def test_require_role_answers_with_the_role_or_the_right_error(alice, carol, belkin, bob, rita):
    assert services.require_role(user=alice, firm_account=belkin, action="staff.manage") == "admin"
    assert services.require_role(user=carol, firm_account=belkin, action="claim.view") == "viewer"
    assert services.require_role(user=rita, firm_account=belkin, action="claim.view") == REGULATOR
    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) at Belkin does not allow"):
        services.require_role(user=carol, firm_account=belkin, action="claim.review")
    with pytest.raises(PermissionDenied):
        services.require_role(user=rita, firm_account=belkin, action="claim.review")
    with pytest.raises(FirmNotFound):
        services.require_role(user=bob, firm_account=belkin, action="claim.view")


def test_the_errors_answer_404_and_403_even_where_nobody_catches_them():
    assert issubclass(FirmNotFound, Http404)
    assert issubclass(PermissionDenied, DjangoPermissionDenied)


def test_a_deactivated_admin_can_do_nothing(alice, belkin):
    alice.is_active = False
    alice.save()
    with pytest.raises(FirmNotFound):
        invite(alice, belkin, "erin@belkin.example")


def test_invite_refuses_a_bad_role_or_address_and_saves_nothing(alice, belkin):
    with pytest.raises(InvalidInput, match="Unknown role 'owner'; choose one of: admin"):
        invite(alice, belkin, "erin@belkin.example", role="owner")
    with pytest.raises(InvalidInput, match="erin at belkin is not an e-mail address"):
        invite(alice, belkin, "erin at belkin")
    with pytest.raises(InvalidInput, match="cannot log in here"):
        invite(alice, belkin, "e" * 140 + "@belkin.example")
    assert belkin.memberships.count() == 1
    assert not belkin.members.filter(email__startswith="erin").exists()


def test_a_viewer_cannot_invite_and_no_user_is_created(carol, belkin):
    with pytest.raises(PermissionDenied):
        invite(carol, belkin, "erin@belkin.example")
    assert not belkin.members.filter(email="erin@belkin.example").exists()


def test_an_admin_of_one_firm_cannot_touch_another(alice, dan, bob, anker, belkin):
    bob_membership = Membership.objects.get(user=bob, firm_account=anker)
    with pytest.raises(FirmNotFound):
        services.membership_change_role(actor=alice, membership=bob_membership, role="admin")
    with pytest.raises(FirmNotFound):
        services.membership_remove(actor=alice, membership=bob_membership)
    with pytest.raises(FirmNotFound):
        invite(alice, anker, "erin@anker.example")
    assert Membership.objects.get(pk=bob_membership.pk).role == Role.REVIEWER


def test_an_admin_may_leave_once_another_admin_exists(alice, carol, belkin):
    alice_membership = Membership.objects.get(user=alice, firm_account=belkin)
    carol_membership = Membership.objects.get(user=carol, firm_account=belkin)
    with pytest.raises(InvalidInput, match="only admin of Belkin"):
        services.membership_remove(actor=alice, membership=alice_membership)
    services.membership_change_role(actor=alice, membership=carol_membership, role=Role.ADMIN)
    services.membership_remove(actor=alice, membership=alice_membership)
    assert list(belkin.members.all()) == [carol]


def test_two_admins_cannot_both_step_down(alice, carol, belkin):
    services.membership_change_role(
        actor=alice,
        membership=Membership.objects.get(user=carol, firm_account=belkin),
        role=Role.ADMIN,
    )
    # Each acts on the membership as it was read before the other's change.
    alice_membership = Membership.objects.get(user=alice, firm_account=belkin)
    carol_membership = Membership.objects.get(user=carol, firm_account=belkin)
    services.membership_change_role(actor=alice, membership=alice_membership, role=Role.VIEWER)
    with pytest.raises(InvalidInput, match="only admin"):
        services.membership_change_role(actor=carol, membership=carol_membership, role="viewer")
    assert belkin.memberships.filter(role=Role.ADMIN).count() == 1


def test_the_database_holds_one_membership_per_user_and_firm_and_known_roles(alice, belkin):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=alice, firm_account=belkin, role=Role.VIEWER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=alice).update(role="owner")


def test_regulator_profile_create_checks_the_agency(db):
    user = factories.staff_user("hana", "hc-sc.example")
    with pytest.raises(InvalidInput, match="Unknown agency 'FDA'"):
        services.regulator_profile_create(user=user, agency="FDA")
    assert services.regulator_profile_create(user=user, agency="HC").agency == "HC"
    with pytest.raises(InvalidInput, match="already a regulator of HC"):
        services.regulator_profile_create(user=user, agency="CPSC")


def test_staff_user_create_refuses_an_address_in_use(alice):
    with pytest.raises(InvalidInput, match="already exists"):
        services.staff_user_create(email="ALICE@belkin.example")
