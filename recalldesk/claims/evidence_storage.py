"""Where evidence files live and who may read them: a private directory, never a public URL.

Files follow the database: a file is written while the claim's transaction is open, and it is
deleted again if that transaction (or the savepoint it was written in) rolls back, so a claim
that was not saved leaves no file behind. Django has on_commit but no on_rollback hook; we
register a callback with on_commit and watch it with weakref.finalize. On commit Django runs the
callback, which marks the file as kept. On a rollback Django discards its pending callbacks
unrun; CPython frees ours at once, and its finalizer deletes the file. A process killed mid-way
can still leave a file without a row: unreachable (only rows are served) and harmless.
"""

from __future__ import annotations

import logging
import os
import uuid
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import Http404

from recalldesk.accounts.selectors import AnyUser, scope_to_user
from recalldesk.claims.models import Claim, Evidence, EvidenceKind

if TYPE_CHECKING:
    from recalldesk.claims.evidence import ValidatedFile

logger = logging.getLogger(__name__)

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
# A random 128-bit name is taken already about never; a few tries make "never" certain enough.
NAME_ATTEMPTS = 3


class PrivateEvidenceStorage(FileSystemStorage):
    """Files readable by this process's user only, and with no URL of their own."""

    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "Evidence has no public URL; link to the claims_evidence:file view instead."
        )


def evidence_storage() -> PrivateEvidenceStorage:
    """The storage under settings.EVIDENCE_ROOT (read each time, so tests can point it away)."""
    return PrivateEvidenceStorage(
        location=settings.EVIDENCE_ROOT,
        file_permissions_mode=FILE_MODE,
        directory_permissions_mode=DIRECTORY_MODE,
    )


def evidence_store(
    *, claim: Claim, validated: ValidatedFile, kind: str, label: str = ""
) -> Evidence:
    """Write a checked file under a name we choose and record it on the claim."""
    if kind not in EvidenceKind.values:
        raise ValueError(
            f"Unknown evidence kind {kind!r}; one of {', '.join(EvidenceKind.values)}."
        )
    stored_name, path = _file_write(Path(settings.EVIDENCE_ROOT), validated)
    try:
        evidence = Evidence.objects.create(
            claim=claim,
            kind=kind,
            label=label,
            stored_name=stored_name,
            content_type=validated.content_type,
            size=len(validated.content),
            sha256=validated.sha256,
            perceptual_hash=validated.perceptual_hash or "",
            width=validated.width,
            height=validated.height,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    _delete_on_rollback(path)
    return evidence


def _file_write(root: Path, validated: ValidatedFile) -> tuple[str, Path]:
    """Write the file under a new random name, readable by this process's user only.

    What FileSystemStorage.save does for this case, for less: the name is new (random, and
    O_EXCL refuses one that exists rather than overwrite it), so there is no name to look for
    first and no lock to take; the directory is made only the first time it is missing.
    """
    for _ in range(NAME_ATTEMPTS):
        token = uuid.uuid4().hex
        # Never the owner's file name; two levels keep any one directory small.
        name = f"{token[:2]}/{token}.{validated.extension}"
        path = root / name
        try:
            descriptor = _file_create(path)
        except FileExistsError:
            continue
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(validated.content)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return name, path
    raise FileExistsError(f"No free name for evidence under {root} in {NAME_ATTEMPTS} tries.")


def _file_create(path: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        return os.open(path, flags, FILE_MODE)
    except FileNotFoundError:
        # The umask can only take bits away from these modes, never add any.
        os.makedirs(path.parent.parent, mode=DIRECTORY_MODE, exist_ok=True)
        path.parent.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
        return os.open(path, flags, FILE_MODE)


class _KeepOnCommit:
    """The on_commit callback that marks a file as kept; see the module docstring."""

    def __init__(self, outcome: dict[str, bool]) -> None:
        self.outcome = outcome

    def __call__(self) -> None:
        self.outcome["committed"] = True


def _delete_unless_committed(path: Path, outcome: dict[str, bool]) -> None:
    if not outcome["committed"]:
        path.unlink(missing_ok=True)


def _delete_on_rollback(path: Path) -> None:
    # The finalizer must not hold the callback itself, or it would never be freed; the shared
    # dict carries the outcome. Outside a transaction on_commit runs the callback at once.
    outcome = {"committed": False}
    keeper = _KeepOnCommit(outcome)
    weakref.finalize(keeper, _delete_unless_committed, path, outcome)
    transaction.on_commit(keeper)


def evidence_get_for_user(*, user: AnyUser | None, pk: int) -> Evidence:
    """An evidence row the user may read (their firm's staff, or a regulator); else Http404."""
    queryset = scope_to_user(
        user=user,
        queryset=Evidence.objects.select_related("claim"),
        firm_field="claim__program__firm_account",
        action="claim.view",
    )
    evidence = queryset.filter(pk=pk).first()
    if evidence is None:
        # The same answer whether it exists or not: another firm learns nothing.
        raise Http404("No such evidence, or it belongs to a program you cannot see.")
    return evidence


def evidence_open(*, evidence: Evidence) -> File:
    """The stored file, open for reading; Http404 if it has gone from the disk."""
    try:
        return evidence_storage().open(evidence.stored_name, "rb")
    except FileNotFoundError:
        logger.error("Evidence %s: file %s is missing", evidence.pk, evidence.stored_name)
        raise Http404("This file is no longer available.") from None
