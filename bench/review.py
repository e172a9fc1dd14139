"""Review at scale: bulk approval of 10,000 clean claims and the CSV export of 100,000.

Usage: .venv/bin/python bench/review.py [--runs 3] [--approve 10000] [--export 10000,50000,100000]
                                        [--docs] [--keep]

A fresh database `recalldesk_bench_review` on 127.0.0.1:5432 (trust auth, user postgres),
migrated, holds recall 26-090 imported from the bundled CPSC file and Belkin's demo program
(load_demo_program: the demo firm, its reviewer, MMA008/BPB002/PB0003 with average prices in
USD and CAD, store credit +20%). Claims are written with bulk_create, each run in its own copy
of the demo program.

Bulk approval: claims_bulk_approve of `--approve` clean claims (plus 1% with a fraud signal,
which must stay in the queue), beside a floor on as many other claims: one statement that
moves the same rows to approved and inserts an event per row.

Export: the export view (claims/views_review.py, over claims/exports.py) called as the demo
reviewer in a fresh process per run, its StreamingHttpResponse consumed chunk by chunk, beside
a floor: psql's COPY (...) TO STDOUT CSV of the same columns. Memory is the growth of that
process's peak RSS (VmHWM, reset after a warm-up on the demo's empty program) and
tracemalloc's peak in a separate untimed run: flat when neither grows with the rows.

Medians of `--runs` runs. --docs writes the table into the "Review" section of
docs/performance.md; --keep leaves the database for inspection.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.docs_section import docs_section_write  # noqa: E402
from bench.review_export import (  # noqa: E402
    DATABASE,
    MB,
    SERVER,
    export_bench,
    export_worker,
    psql,
    row,
    rss_peak,
    rss_peak_reset,
)

CSV_PATH = ROOT / "data" / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"
VAR = ROOT / "var" / "bench" / "review"


def database_fresh() -> None:
    psql("postgres", "-c", f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql("postgres", "-c", f"CREATE DATABASE {DATABASE}")


def django_start() -> None:
    """Django on the bench database; e-mails queue in Huey's SQLite file and are never sent."""
    VAR.mkdir(parents=True, exist_ok=True)
    # No consumer runs: the last run's e-mails would pile up in the queue file forever.
    (VAR / "huey.sqlite3").unlink(missing_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "recalldesk.settings",
            "DATABASE_URL": f"{SERVER}/{DATABASE}",
            "RECALLDESK_VAR_DIR": str(VAR),
            "RECALLDESK_TESTING": "0",
            "HUEY_IMMEDIATE": "0",
            "DEBUG": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# -- bulk approval ----------------------------------------------------------------------------


def approval_floor(program, actor) -> float:
    """One statement: the program's clean waiting claims to approved, an event for each."""
    from django.db import connection, transaction

    from recalldesk.claims.models import Claim, ClaimEvent, FraudSignal

    claims, events = Claim._meta.db_table, ClaimEvent._meta.db_table
    signals = FraudSignal._meta.db_table
    # Table names come from the models and the values are parameters: nothing typed gets in.
    sql = f"""
        WITH moved AS (
            UPDATE {claims} c SET status = 'approved', updated_at = now()
            WHERE c.program_id = %s AND c.status IN ('submitted', 'in_review')
              AND NOT EXISTS (SELECT 1 FROM {signals} s WHERE s.claim_id = c.id)
            RETURNING c.id
        )
        INSERT INTO {events} (claim_id, at, actor_id, actor_label, from_status, to_status, note)
        SELECT id, now(), %s, 'bench', 'submitted', 'approved', '' FROM moved
    """  # noqa: S608
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [program.pk, actor.pk])
    return time.perf_counter() - started


def approval_check(program, *, clean: int, flagged: int) -> str:
    """What went wrong, in words, or "" when every clean claim and no flagged one moved."""
    from recalldesk.claims.models import Claim

    waiting = Claim.objects.filter(program=program, status__in=["submitted", "in_review"])
    moved = Claim.objects.filter(program=program).exclude(status__in=["submitted", "in_review"])
    if waiting.filter(fraud_signals__isnull=True).exists():
        return f"{waiting.filter(fraud_signals__isnull=True).count()} clean claims not approved"
    if moved.filter(fraud_signals__isnull=False).exists():
        return "claims with fraud signals were approved"
    uncredited = moved.filter(remedy="store_credit").exclude(status="credited").count()
    if uncredited:
        return f"{uncredited} store credit claims approved but not credited"
    if moved.count() != clean or waiting.count() != flagged:
        return f"{moved.count()} moved, {waiting.count()} waiting; expected {clean}, {flagged}"
    return ""


def approval_bench(demo, *, runs: int, clean: int, store_credit: int) -> list[dict]:
    from bench.review_data import claims_make, program_copy, tables_analyze

    try:
        from recalldesk.claims.review import claims_bulk_approve
    except ImportError as error:
        claims_bulk_approve = None
        missing = f"recalldesk.claims.review.claims_bulk_approve: {error}"
    flagged = clean // 100
    times, floors, peaks, problems = [], [], [], []
    for run in range(runs):
        measured = program_copy(demo.program, f"bench-approve-{store_credit}-{run}")
        floor_program = program_copy(demo.program, f"bench-approve-floor-{store_credit}-{run}")
        started = time.perf_counter()
        mix = {"clean": clean, "flagged": flagged, "store_credit_percent": store_credit}
        claims_make(measured, **mix)
        claims_make(floor_program, **mix)
        made = time.perf_counter() - started
        tables_analyze()
        floors.append(approval_floor(floor_program, demo.reviewer))
        print(
            f"  run {run + 1}: made {2 * (clean + flagged)} claims in {made:.1f} s; "
            f"floor {floors[-1]:.2f} s",
            flush=True,
        )
        if claims_bulk_approve is None:
            continue
        base = rss_peak_reset()
        started = time.perf_counter()
        try:
            claims_bulk_approve(program=measured, actor=demo.reviewer)
        except Exception as error:  # a bench reports a failure and measures the rest
            return [
                row(
                    f"bulk approve, {store_credit}% store credit (failed)",
                    clean,
                    None,
                    median(floors),
                    None,
                    f"{type(error).__name__}: {error}",
                )
            ]
        times.append(time.perf_counter() - started)
        # The peak is read lazily by the kernel: a few pages freed meanwhile read as "-0.1 MB".
        peaks.append(max(0, rss_peak() - base))
        problems.append(approval_check(measured, clean=clean, flagged=flagged))
        print(
            f"  run {run + 1}: claims_bulk_approve {times[-1]:.2f} s {problems[-1] or 'checked'}",
            flush=True,
        )
    floor = median(floors)
    if claims_bulk_approve is None:
        return [row("bulk approve (missing)", clean, None, floor, None, missing)]
    note = "; ".join(sorted({p for p in problems if p})) or f"{flagged} flagged left waiting"
    task = f"bulk approve, {store_credit}% store credit"
    return [row(task, clean, median(times), floor, max(peaks), note)]


# -- report -----------------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    lines = [
        "| task | rows | median s | floor s | ratio | peak RSS growth | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        seconds = "n/a" if r["seconds"] is None else f"{r['seconds']:.2f}"
        ratio = "n/a" if r["seconds"] is None else f"{r['seconds'] / r['floor']:.1f}x"
        peak = "n/a" if r["peak"] is None else f"{r['peak'] / MB:.1f} MB"
        lines.append(
            f"| {r['task']} | {r['rows']:,} | {seconds} | {r['floor']:.2f} | {ratio} "
            f"| {peak} | {r['note']} |"
        )
    return "\n".join(lines)


def docs_write(text: str) -> None:
    """Replace the "## Review" section of docs/performance.md (or add it), nothing else."""
    docs_section_write("Review", text)


def machine() -> str:
    cpus = os.cpu_count()
    version = subprocess.run(
        ["psql", f"{SERVER}/postgres", "-XAtc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{cpus} CPUs, Python {platform.python_version()}, PostgreSQL {version or '?'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--approve", type=int, default=10_000)
    parser.add_argument(
        "--store-credit",
        default="0,40",
        help="percentages of bulk-approved claims taking store credit, one bench each",
    )
    parser.add_argument("--export", default="10000,50000,100000")
    parser.add_argument("--docs", action="store_true", help="write docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--export-worker", metavar="SLUG", help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.export_worker:
        export_worker(options.export_worker, options.traced)
        return 0
    store_credit = [int(share) for share in options.store_credit.split(",") if share]
    sizes = [int(size) for size in options.export.split(",") if size]

    database_fresh()
    try:
        django_start()
        from bench.review_data import demo_load, recall_import

        recall_import(CSV_PATH)
        demo = demo_load(VAR / "demo-credentials.txt")
        rows = []
        for share in store_credit:
            print(f"Bulk approval of {options.approve} clean claims, {share}% store credit:")
            rows += approval_bench(
                demo, runs=options.runs, clean=options.approve, store_credit=share
            )
        print(f"CSV export of {', '.join(map(str, sizes))} claims, {options.runs} runs:")
        rows += export_bench(demo, runs=options.runs, sizes=sizes)
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            psql("postgres", "-c", f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    result = table(rows)
    print()
    print(result)
    print(f"\n{machine()}")
    if options.docs:
        docs_write(DOCS_TEMPLATE.format(table=result, machine=machine(), runs=options.runs))
    return 0


DOCS_TEMPLATE = """## Review

`.venv/bin/python bench/review.py --docs` (targets: bulk approval of 10,000 clean claims
<= 30 s; CSV export of 100,000 claims <= 20 s with memory flat). Medians of {runs} runs.
A fresh database `recalldesk_bench_review` holds recall 26-090 and copies of Belkin's demo
program; claims are written with bulk_create (US and CA; no receipts).

Machine: {machine}.

{table}

- **Bulk approval** runs `claims_bulk_approve` over the program's clean claims; 1% more claims
  carry a fraud signal and must stay in the queue (checked after each run). The floor is one
  SQL statement on as many other claims: move them to approved and insert an event per row.
  It writes no ledger entries, store credits or e-mails, which the real approval does.
- **CSV export** calls the export view as the demo reviewer, in a fresh process per run, and
  consumes its StreamingHttpResponse chunk by chunk. The floor is
  `psql -c "COPY (SELECT <the same columns>) TO STDOUT WITH (FORMAT csv)"`: no Python at all.
  Peak RSS growth is that process's high-water mark (VmHWM, reset after a warm-up export of
  the demo's empty program) less its RSS then; tracemalloc's peak comes from a separate
  untimed run. Memory is flat when neither grows with the number of rows.
"""


if __name__ == "__main__":
    sys.exit(main())
