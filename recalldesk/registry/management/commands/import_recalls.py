"""python manage.py import_recalls PATH [PATH...] [--format ...]: import recall files."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from recalldesk.registry.models import ImportRun
from recalldesk.registry.services import recalls_import_file
from recalldesk.registry.sources.records import FORMATS, UnreadableFile

# In a directory, only these files are taken to be recall exports.
_KNOWN_SUFFIXES = {".csv", ".json"}


def progress_bar(*, description: str, stream=None):
    """A tqdm bar on stderr that fills as records are written; silent when not on a terminal."""
    stream = stream or sys.stderr
    state: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(
                total=total,
                desc=description,
                unit="record",
                file=stream,
                disable=not stream.isatty(),
                leave=False,
            )
        bar = state["bar"]
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def summary_lines(run: ImportRun, *, seconds: float | None = None) -> list[str]:
    """What a person reads after an import: the counts, then each rejected record."""
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    lines = [
        f"{Path(run.source_name).name} ({run.source_format}): {run.created} created, "
        f"{run.updated} updated, {run.unchanged} unchanged, {run.rejected} rejected{took}"
    ]
    lines += [f"  rejected {e['position']}: {e['reason']}" for e in run.errors]
    return lines


def files_in(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _KNOWN_SUFFIXES
        )
    return [path]


class Command(BaseCommand):
    help = "Import recalls from cpsc.gov CSV exports, CPSC API JSON or Health Canada JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Files, or directories of them.")
        parser.add_argument(
            "--format",
            dest="source_format",
            choices=FORMATS,
            default="auto",
            help="The files' format; auto (the default) tells by their content.",
        )

    def handle(self, *args, paths: list[Path], source_format: str, **options) -> None:
        files = [file for path in paths for file in files_in(path)]
        if not files:
            raise CommandError("No .csv or .json files to import in " + ", ".join(map(str, paths)))
        failures = []
        for file in files:
            started = time.monotonic()
            try:
                run = recalls_import_file(
                    path=file,
                    source_format=source_format,
                    progress=progress_bar(description=file.name, stream=self.stderr._out),
                )
            except UnreadableFile as error:
                failures.append(str(error))
                self.stderr.write(f"{file.name}: not imported. {error}")
                continue
            for line in summary_lines(run, seconds=time.monotonic() - started):
                self.stdout.write(line)
        if failures:
            raise CommandError(
                "Nothing was imported from "
                + ("this file: " if len(failures) == 1 else f"{len(failures)} files: ")
                + " ".join(failures)
            )
