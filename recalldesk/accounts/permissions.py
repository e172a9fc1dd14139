"""Who may do what: the one table of roles and actions, read by services and selectors.

A new action is added here and nowhere else; services ask `role_can`, never compare roles.
"""

from recalldesk.accounts.models import Role

# Not a membership role: a regulator holds a RegulatorProfile and reads across every firm.
REGULATOR = "regulator"

ACTIONS: frozenset[str] = frozenset(
    {
        "program.view",
        "program.edit",
        "claim.view",
        "claim.review",
        "claim.pay",
        "staff.view",
        "staff.manage",
        "token.manage",
    }
)

# In the order and words the staff page shows them.
ACTION_LABELS: dict[str, str] = {
    "program.view": "read programs",
    "claim.view": "read claims",
    "staff.view": "see the firm's staff",
    "program.edit": "set up and change programs",
    "claim.review": "review claims (approve, reject, ask for information)",
    "claim.pay": "pay claims and issue store credit",
    "staff.manage": "add, change and remove staff",
    "token.manage": "create and revoke API tokens",
}

_READ = frozenset({"program.view", "claim.view", "staff.view"})

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: ACTIONS,
    # Runs the firm's programs day to day, including payouts, but not who works on them.
    Role.COORDINATOR: _READ | {"program.edit", "claim.review", "claim.pay"},
    # Decides claims; paying them is kept apart so one person cannot approve and pay alone.
    Role.REVIEWER: _READ | {"claim.review"},
    Role.VIEWER: _READ,
    REGULATOR: _READ,
}


def role_can(role: str | None, action: str) -> bool:
    """Whether a role (a Role value or REGULATOR) may perform an action; None may do nothing."""
    if action not in ACTIONS:
        # A misspelt action would otherwise deny silently and hide the bug.
        raise ValueError(f"Unknown action {action!r}; known actions: {', '.join(sorted(ACTIONS))}.")
    if role is None:
        return False
    return action in PERMISSIONS.get(role, frozenset())


def roles_allowed(action: str) -> list[str]:
    """The membership roles (not REGULATOR) that may perform an action."""
    return [role for role in Role.values if role_can(role, action)]


def role_summaries() -> list[tuple[str, list[str]]]:
    """Each membership role's label with what it may do, in words, for the staff page."""
    return [
        (label, [words for action, words in ACTION_LABELS.items() if role_can(role, action)])
        for role, label in Role.choices
    ]
