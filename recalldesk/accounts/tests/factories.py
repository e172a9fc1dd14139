"""Named people and firms for tests, so tests read like stories.

Belkin (recall 26-090) and Anker (recall 25-338) are real firms of the bundled CPSC data:
- alice, admin at Belkin; carol, viewer at Belkin;
- dan, admin at Anker; bob, reviewer at Anker;
- rita, a regulator at the CPSC.
"""

from django.contrib.auth.models import AbstractBaseUser

from recalldesk.accounts import services
from recalldesk.accounts.models import FirmAccount, RegulatorAgency, Role
from recalldesk.registry.models import Firm, FirmRole, Recall

PASSWORD = "charging stand 57X recall"


def registry_firm(recall_number: str) -> Firm:
    """The firm that published a recall, from the bundled data the test database holds."""
    recall = Recall.objects.get(number=recall_number)
    links = recall.firm_links.select_related("firm")
    # The firm that recalls is the manufacturer, else the importer, as CPSC lists them.
    for role in (FirmRole.RECALLING_FIRM, FirmRole.MANUFACTURER, FirmRole.IMPORTER):
        link = links.filter(role=role).first()
        if link is not None:
            return link.firm
    raise LookupError(f"Recall {recall_number} names no recalling firm.")


def staff_user(name: str, domain: str) -> AbstractBaseUser:
    return services.staff_user_create(
        email=f"{name}@{domain}", first_name=name.capitalize(), password=PASSWORD
    )


def firm_with_admin(
    *, name: str, slug: str, recall_number: str, admin: str, domain: str
) -> FirmAccount:
    return services.firm_account_create(
        name=name,
        slug=slug,
        registry_firm=registry_firm(recall_number),
        admin=staff_user(admin, domain),
    )


def member(firm_account: FirmAccount, *, name: str, domain: str, role: str) -> AbstractBaseUser:
    """A new staff user added to the firm by its first admin."""
    admin = firm_account.memberships.filter(role=Role.ADMIN).earliest("created_at").user
    user = staff_user(name, domain)
    services.membership_create(actor=admin, firm_account=firm_account, user=user, role=role)
    return user


def belkin() -> FirmAccount:
    """Belkin, run by alice (admin)."""
    return firm_with_admin(
        name="Belkin", slug="belkin", recall_number="26-090", admin="alice", domain="belkin.example"
    )


def anker() -> FirmAccount:
    """Anker, run by dan (admin)."""
    return firm_with_admin(
        name="Anker", slug="anker", recall_number="25-338", admin="dan", domain="anker.example"
    )


def regulator(name: str = "rita", agency: str = RegulatorAgency.CPSC) -> AbstractBaseUser:
    user = staff_user(name, "cpsc.example")
    services.regulator_profile_create(user=user, agency=agency)
    return user
