"""Writes to the registry: importing recall files."""

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction

from recalldesk.registry.events import recalls_changed_on_commit
from recalldesk.registry.models import ImportRun
from recalldesk.registry.sources import parse_bytes
from recalldesk.registry.sources.records import RecordRejected, UnreadableFile
from recalldesk.registry.sources.storing import FirmCache, RecallWriter

Progress = Callable[[int, int], None]

BUNDLED_FILES = (
    "cpsc/cpsc-recalls-2023-12-to-2025-12.csv",
    "cpsc/cpsc-api-recalls-before-2026.json",
    "cpsc/cpsc-api-sample.json",
)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise UnreadableFile(f"{path} is a directory, not a file.") from None
    except OSError as error:
        raise UnreadableFile(f"{path} cannot be read: {error.strerror}.") from None


def recalls_import_file(
    *, path: str | Path, source_format: str = "auto", progress: Progress | None = None
) -> ImportRun:
    """Import one file of recalls; a file that cannot be read raises UnreadableFile, unchanged."""
    path = Path(path)
    data = _read(path)
    parsed = parse_bytes(data, source_format=source_format, name=path.name)
    errors = [{"position": r.position, "reason": r.reason} for r in parsed.rejected]
    counts: Counter[str] = Counter()
    changed_ids: list[int] = []
    with transaction.atomic():
        firms = FirmCache()
        firms.load(parsed.records)
        writer = RecallWriter(records=parsed.records, firms=firms, source_name=path.name)
        total = len(parsed.records)
        for done, record in enumerate(parsed.records, start=1):
            if writer.needs_flush(record):
                writer.flush()
            try:
                # A savepoint per record: a record the database refuses is rejected alone.
                with transaction.atomic():
                    outcome = writer.write(record)
            except RecordRejected as error:
                errors.append({"position": record.position, "reason": str(error)})
            except DatabaseError as error:
                reason = f"the database refused it: {str(error).splitlines()[0][:200]}"
                errors.append({"position": record.position, "reason": reason})
            else:
                writer.commit_pending()
                counts[outcome.kind] += 1
                if outcome.changed:
                    changed_ids.append(outcome.recall_id)
            finally:
                writer.drop_pending()
            if progress is not None:
                progress(done, total)
        writer.flush()
        run = ImportRun.objects.create(
            source_name=str(path),
            source_format=parsed.source_format,
            file_sha256=hashlib.sha256(data).hexdigest(),
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            rejected=len(errors),
            errors=errors,
        )
        recalls_changed_on_commit(sender=ImportRun, recall_ids=changed_ids)
    return run


@dataclass(frozen=True)
class BundledImport:
    path: Path
    run: ImportRun | None
    skipped: bool
    seconds: float = 0.0


def recalls_load_bundled(
    *, data_dir: Path | None = None, progress_for: Callable[[Path], Progress | None] | None = None
) -> list[BundledImport]:
    """Import the recalls shipped in data/, skipping files an earlier run already imported."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    results = []
    for relative in BUNDLED_FILES:
        path = data_dir / relative
        digest = hashlib.sha256(_read(path)).hexdigest()
        if ImportRun.objects.filter(file_sha256=digest).exists():
            results.append(BundledImport(path=path, run=None, skipped=True))
            continue
        progress = progress_for(path) if progress_for else None
        started = time.monotonic()
        run = recalls_import_file(path=path, progress=progress)
        seconds = time.monotonic() - started
        results.append(BundledImport(path=path, run=run, skipped=False, seconds=seconds))
    return results
