"""The CSV export part of bench/review.py, and the tools both parts measure with."""

import json
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from statistics import median

DATABASE = "recalldesk_bench_review"
SERVER = "postgres://postgres@127.0.0.1:5432"
MB = 1024 * 1024
RUNNER = Path(__file__).with_name("review.py")


def row(task, rows, seconds, floor, peak, note) -> dict:
    """One line of the table; seconds and peak are None when the task could not run."""
    return {
        "task": task,
        "rows": rows,
        "seconds": seconds,
        "floor": floor,
        "peak": peak,
        "note": note,
    }


def psql(database: str, *args: str, stdout=subprocess.DEVNULL) -> None:
    subprocess.run(
        ["psql", f"{SERVER}/{database}", "-q", "-X", "-v", "ON_ERROR_STOP=1", *args],
        check=True,
        stdout=stdout,
        stderr=subprocess.PIPE,
    )


def rss_peak_reset() -> int:
    """Reset the process's peak RSS to its current RSS (Linux), and return that in bytes."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS") * 1024


def rss_peak() -> int:
    return _status_kb("VmHWM") * 1024


def _status_kb(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+)", text, re.MULTILINE).group(1))


def export_sql(program) -> str:
    """The export's columns for the program, oldest first, as one SELECT for COPY."""
    from recalldesk.claims.models import Claim, FraudSignal, ProgramProduct

    c, p = Claim._meta.db_table, ProgramProduct._meta.db_table
    s = FraudSignal._meta.db_table
    # Table names from the models, the program's id an int: COPY takes no parameters.
    return f"""SELECT c.number, c.submitted_at, c.status, p.model_number, c.serial_number,
        c.country, c.currency, c.remedy, c.amount, c.receipt_amount,
        EXISTS (SELECT 1 FROM {s} s WHERE s.claim_id = c.id), c.owner_name, c.email, c.phone,
        c.address_line1, c.address_line2, c.city, c.region, c.postal_code, c.payout_method,
        c.disposal_confirmed_at
        FROM {c} c JOIN {p} p ON p.id = c.product_id
        WHERE c.program_id = {int(program.pk)} ORDER BY c.submitted_at, c.id"""  # noqa: S608


def export_floor(program) -> float:
    sql = " ".join(export_sql(program).split())
    started = time.perf_counter()
    psql(DATABASE, "-c", f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)")
    return time.perf_counter() - started


def export_stream(program, user) -> tuple[int, int]:
    """Call the export view as `user` and consume its streamed response: (lines, bytes)."""
    from django.test import RequestFactory

    from recalldesk.claims.views_review import export

    # The path the lead mounts; the view reads only the slug and the filters of the query.
    request = RequestFactory().get(f"/firm/programs/{program.slug}/review/export.csv")
    request.user = user
    response = export(request, slug=program.slug)
    lines = size = 0
    for chunk in response.streaming_content:
        lines += 1
        size += len(chunk)
    response.close()
    return lines, size


def export_worker(slug: str, traced: bool) -> None:
    """In a fresh process: stream one program's export once and print what it cost, as JSON."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from recalldesk.accounts.models import Role
    from recalldesk.claims.management.commands.load_demo_program import PROGRAM_SLUG, STAFF
    from recalldesk.claims.models import Program

    program = Program.objects.get(slug=slug)
    reviewer = next(email for email, role in STAFF if role == Role.REVIEWER)
    user = get_user_model().objects.get(email=reviewer)
    # Imports and first queries cost the same at any size: paid on the demo's empty program.
    export_stream(Program.objects.get(slug=PROGRAM_SLUG), user)
    connection.ensure_connection()
    if traced:
        tracemalloc.start()
    base = rss_peak_reset()
    started = time.perf_counter()
    lines, size = export_stream(program, user)
    seconds = time.perf_counter() - started
    peak = rss_peak()
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else None
    print(
        json.dumps(
            {
                "seconds": seconds,
                "lines": lines,
                "bytes": size,
                "rss_base": base,
                "rss_growth": max(0, peak - base),
                "traced_peak": traced_peak,
            }
        )
    )


def export_measure(slug: str, traced: bool = False) -> dict:
    done = subprocess.run(
        [sys.executable, str(RUNNER), "--export-worker", slug, *(["--traced"] if traced else [])],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_bench(demo, *, runs: int, sizes: list[int]) -> list[dict]:
    from bench.review_data import claims_make, program_copy, tables_analyze

    try:
        import recalldesk.claims.exports  # noqa: F401
    except ImportError as error:
        missing = f"recalldesk.claims.exports: {error}"
    else:
        missing = ""
    programs = {}
    for size in sizes:
        started = time.perf_counter()
        programs[size] = program_copy(demo.program, f"bench-export-{size}")
        claims_make(programs[size], clean=size)
        print(f"  made {size} claims in {time.perf_counter() - started:.1f} s", flush=True)
    tables_analyze()
    rows = []
    for size, program in programs.items():
        floors = [export_floor(program) for _ in range(runs)]
        if missing:
            rows.append(row("export (missing)", size, None, median(floors), None, missing))
            continue
        try:
            results = [export_measure(program.slug) for _ in range(runs)]
            # Untimed: tracemalloc slows every allocation down.
            traced = export_measure(program.slug, traced=True)
        except RuntimeError as error:
            rows.append(row("CSV export (failed)", size, None, median(floors), None, str(error)))
            continue
        wrong = [r["lines"] for r in results if r["lines"] != size + 1]
        note = (
            f"{wrong[0]} lines for {size} claims"
            if wrong
            else f"tracemalloc peak {traced['traced_peak'] / MB:.1f} MB; "
            f"{results[0]['bytes'] / MB:.0f} MB of CSV"
        )
        seconds = median(r["seconds"] for r in results)
        print(f"  export {size}: {seconds:.2f} s, floor {median(floors):.2f} s", flush=True)
        peak = max(r["rss_growth"] for r in results)
        rows.append(row("CSV export (streamed)", size, seconds, median(floors), peak, note))
    return rows
