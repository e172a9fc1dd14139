"""The claim form's draft: answers kept in the session, uploads in a private temporary folder.

Nothing here touches the claims tables: a claim exists only once claim_submit has run. The
uploads are the owner's original files (validated when they were sent), so the duplicate checks
at submit hash what the owner actually sent; they live under var/private/uploads/<hash of the
session key>/ under names we choose, and are removed after submit or once a day old.
"""

import contextlib
import hashlib
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile

from recalldesk.claims.models import Program

DRAFT_MAX_AGE_SECONDS = 24 * 60 * 60
# Stale folders are looked for at most this often per process: listing them costs a little.
CLEAN_INTERVAL_SECONDS = 10 * 60
_last_clean = {"at": 0.0}


def uploads_root() -> Path:
    """Where drafts' uploads wait for the final submit; never under STATIC or MEDIA."""
    configured = getattr(settings, "CLAIM_UPLOADS_ROOT", None)
    return Path(configured) if configured else settings.VAR_DIR / "private" / "uploads"


def uploads_clean_stale(*, max_age_seconds: int = DRAFT_MAX_AGE_SECONDS) -> int:
    """Remove the upload folders of drafts untouched for longer than a day; return how many."""
    root = uploads_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - max_age_seconds
    removed = 0
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except FileNotFoundError:  # another worker removed it first
            continue
    return removed


def _clean_now_and_then() -> None:
    now = time.monotonic()
    if now - _last_clean["at"] >= CLEAN_INTERVAL_SECONDS:
        _last_clean["at"] = now
        uploads_clean_stale()


@dataclass(frozen=True)
class StoredUpload:
    """A file the owner sent at the proof step, waiting in the draft's folder."""

    key: str
    stored_name: str
    content_type: str
    size: int
    label: str


class ClaimDraft:
    """One owner's answers to one program's claim form, kept in their session."""

    def __init__(self, *, session: SessionBase, program: Program) -> None:
        self.session = session
        self.program = program
        self.session_key_name = f"claim-draft:{program.slug}"
        _clean_now_and_then()
        data = session.get(self.session_key_name)
        # A day without any answer and the draft is forgotten, as its files are.
        if not isinstance(data, dict) or time.time() - data.get("touched", 0) > (
            DRAFT_MAX_AGE_SECONDS
        ):
            data = self._fresh()
        self.data: dict[str, Any] = data

    @staticmethod
    def _fresh() -> dict[str, Any]:
        # The idempotency key makes a double-clicked submit return the first claim.
        return {
            "touched": time.time(),
            "idempotency_key": uuid.uuid4().hex,
            "answers": {},
            "done": [],
            "uploads": {},
        }

    # Answers and steps

    @property
    def answers(self) -> dict[str, Any]:
        return self.data["answers"]

    def get(self, name: str, default: Any = None) -> Any:
        return self.answers.get(name, default)

    def update(self, values: dict[str, Any]) -> None:
        self.answers.update(values)
        self._save()

    def is_done(self, step: str) -> bool:
        return step in self.data["done"]

    def mark_done(self, step: str) -> None:
        if step not in self.data["done"]:
            self.data["done"].append(step)
        self._save()

    def mark_undone(self, step: str) -> None:
        if step in self.data["done"]:
            self.data["done"].remove(step)
            self._save()

    @property
    def idempotency_key(self) -> str:
        return self.data["idempotency_key"]

    @property
    def is_started(self) -> bool:
        return bool(self.data["done"])

    def _save(self) -> None:
        self.data["touched"] = time.time()
        self.session[self.session_key_name] = self.data
        self.session.modified = True
        folder = self.data.get("folder")
        if folder:
            # The folder's age is the draft's: files of a draft still in use are not cleaned.
            with contextlib.suppress(OSError):
                os.utime(uploads_root() / folder)

    # Uploads

    def _folder(self) -> Path:
        name = self.data.get("folder")
        if not name:
            if self.session.session_key is None:
                self.session.save()
            session_key = self.session.session_key or ""
            name = hashlib.sha256(session_key.encode()).hexdigest()[:32]
            self.data["folder"] = name
            self._save()
        return uploads_root() / name

    def upload_put(
        self, *, key: str, upload: UploadedFile, extension: str, content_type: str, label: str
    ) -> StoredUpload:
        """Keep the owner's file for this draft under a name we choose, replacing an earlier one."""
        folder = self._folder()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stored_name = f"{key}-{uuid.uuid4().hex}.{extension.lstrip('.').lower()}"
        upload.seek(0)
        size = 0
        with (folder / stored_name).open("xb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
                size += len(chunk)
        (folder / stored_name).chmod(0o600)
        self.upload_remove(key=key)
        stored = StoredUpload(key, stored_name, content_type, size, label)
        self.data["uploads"][key] = stored.__dict__.copy()
        self._save()
        return stored

    def upload_get(self, *, key: str) -> StoredUpload | None:
        """The stored upload for this key, or None when there is none or its file is gone."""
        raw = self.data["uploads"].get(key)
        if not raw:
            return None
        stored = StoredUpload(**raw)
        if not (self._folder() / stored.stored_name).is_file():
            return None
        return stored

    def upload_open(self, *, key: str) -> UploadedFile | None:
        """The stored upload as an UploadedFile for claim_submit; the caller closes it."""
        stored = self.upload_get(key=key)
        if stored is None:
            return None
        handle = (self._folder() / stored.stored_name).open("rb")
        return UploadedFile(
            file=handle, name=stored.stored_name, content_type=stored.content_type, size=stored.size
        )

    def upload_remove(self, *, key: str) -> None:
        raw = self.data["uploads"].pop(key, None)
        if raw and self.data.get("folder"):
            (uploads_root() / self.data["folder"] / raw["stored_name"]).unlink(missing_ok=True)
        self._save()

    def upload_keys(self) -> list[str]:
        return list(self.data["uploads"])

    def clear(self) -> None:
        """Forget the answers and remove the files, after a submit or to start again."""
        for key in self.upload_keys():
            self.upload_remove(key=key)
        folder = self.data.get("folder")
        if folder:
            # Only when empty: another program's draft in this session may still use it.
            with contextlib.suppress(OSError):
                (uploads_root() / folder).rmdir()
        self.session.pop(self.session_key_name, None)
        self.session.modified = True
        self.data = self._fresh()
