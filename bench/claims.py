"""Claims per second over HTTP: POST /api/claims under gunicorn against PostgreSQL.

Usage: .venv/bin/python bench/claims.py [--workers 4] [--clients 8] [--runs 3]
[--no-photos | --photos-only] [--docs]

A fresh database `recalldesk_bench` on 127.0.0.1:5432 (trust auth, user postgres) holds
recall 26-090 and two programs like Belkin's demo: one asking for no files, one for two
photos. Gunicorn serves the project (DEBUG=0, rate limits off) with the floor endpoint of
bench/claims_urls.py added: the same stack reading the same form and inserting one row.
Clients in other processes post multipart claims, each a different owner with its own
serial, over keep-alive connections where the server keeps them. Each scenario runs `runs`
times after a warm-up and an ANALYZE (what autovacuum does on a server where it is on); the
table shows the median rate and that run's latencies. E-mails are
queued in Redis (database 14) when it answers on 127.0.0.1:6379, else in Huey's SQLite file;
no consumer runs, the queue is emptied afterwards. --docs writes the table, the set-up, the
time and the commit between the bench's markers in the "Claims" section of
docs/performance.md, and nothing else (bench/claims_report.py).
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.claims_client import Scenario, photo_pool, run_load  # noqa: E402
from bench.claims_report import docs_section, docs_write, table  # noqa: E402
from bench.claims_setup import NO_FILES, WITH_PHOTOS  # noqa: E402

VAR = ROOT / "var" / "bench" / "claims"
PHOTOS = ROOT / "var" / "bench" / "claims-photos"
DATABASE = "recalldesk_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/14"
CSV_PATH = ROOT / "data" / "cpsc" / "cpsc-recalls-2023-12-to-2025-12.csv"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def environment(port: int, queue: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.claims_settings",
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "RECALLDESK_VAR_DIR": str(VAR),
        "RECALLDESK_TESTING": "0",
        "RATELIMIT_ENABLED": "0",  # one client address sends everything
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "HUEY_IMMEDIATE": "0",
        # Connections outlive the runs, so each backend's CPU time can be read before and after.
        "CONN_MAX_AGE": "600",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    if queue == "redis":
        env["REDIS_URL"] = REDIS_URL
    return env


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{SERVER}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def database_fresh(env: dict[str, str]) -> None:
    """Drop and create the bench database, migrate it and add the recall and programs."""
    psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    psql(f"CREATE DATABASE {DATABASE}")
    shutil.rmtree(VAR / "private", ignore_errors=True)
    command = [sys.executable, "-m", "bench.claims_setup", str(CSV_PATH)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def statistics_update() -> None:
    """ANALYZE the bench database, as autovacuum does on a server where it is on.

    Without statistics (a new database on a server with autovacuum off), PostgreSQL takes the
    partial indexes made on empty tables for empty, and answers an indexed count by scanning
    every claim of the program through one of them.
    """
    subprocess.run(
        ["psql", f"{SERVER}/{DATABASE}", "-q", "-v", "ON_ERROR_STOP=1", "-c", "ANALYZE"],
        check=True,
        capture_output=True,
    )


def queue_empty(queue: str) -> None:
    if queue == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    else:
        (VAR / "huey.sqlite3").unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], port: int, *, workers: int, worker_class: str, threads: int):
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "recalldesk.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        "--log-level=warning",
        "--keep-alive=30",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        url = f"http://127.0.0.1:{port}/api/claims/programs/{NO_FILES}"
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime, fields 14 and 15 of proc(5), counted after the command's ")".
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(gunicorn_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each gunicorn worker and each backend of the bench database."""
    children = Path(f"/proc/{gunicorn_pid}/task/{gunicorn_pid}/children").read_text().split()
    backends = subprocess.run(
        [
            "psql",
            f"{SERVER}/postgres",
            "-Atc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{DATABASE}'",  # noqa: S608
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {
        "django": {int(pid): _cpu_seconds(int(pid)) for pid in children},
        "database": {int(pid): _cpu_seconds(int(pid)) for pid in backends},
    }


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    # Per process: one that started during the run counts from zero. None ends during a run:
    # gunicorn does not recycle workers here and connections live CONN_MAX_AGE=600 s.
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def run_once(scenario: Scenario, *, server, port: int, first_number: int, photos, clients: int):
    """One run of a scenario: its rate and latencies, and the CPU the server spent per claim."""
    cpu_before = server_cpu(server.pid)
    result = run_load(
        port=port, scenario=scenario, first_number=first_number, clients=clients, photos=photos
    )
    cpu_after = server_cpu(server.pid)
    for part in ("django", "database"):
        seconds = cpu_used(cpu_before[part], cpu_after[part])
        result[f"{part}_ms"] = seconds * 1000 / scenario.requests
    bad = {status: n for status, n in result["statuses"].items() if status != 201}
    if bad:
        raise SystemExit(f"{scenario.name}: answers other than 201: {bad}")
    return result


def scenario_measure(scenario: Scenario, *, server, port, first_number, photos, options, warmup):
    """A warm-up, then options.runs runs; the median rate and the median run's latencies."""
    warm = Scenario(scenario.name, scenario.path, scenario.program, scenario.photos, warmup)
    runs, used, number = [], 0, first_number
    for current in [warm] + [scenario] * options.runs:
        result = run_once(
            current,
            server=server,
            port=port,
            first_number=number,
            photos=photos[used:] if scenario.photos else [],
            clients=options.clients,
        )
        number += current.requests
        used += current.photos * (current.requests + options.clients)
        if current is warm:
            statistics_update()
        else:
            runs.append(result)
            print(f"  {scenario.name}: {result['rate']:.0f}/s", flush=True)
    middle = sorted(runs, key=lambda r: r["rate"])[len(runs) // 2]
    row = {
        "name": scenario.name,
        "requests": scenario.requests,
        "rate": median(r["rate"] for r in runs),
        "rates": [r["rate"] for r in runs],
        "p50_ms": middle["p50_ms"],
        "p99_ms": middle["p99_ms"],
        "django_ms": median(r["django_ms"] for r in runs),
        "database_ms": median(r["database_ms"] for r in runs),
    }
    return row, number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--floor-requests", type=int, default=4000)
    parser.add_argument("--claims", type=int, default=2000, help="claims per run, no files")
    parser.add_argument("--photo-claims", type=int, default=500, help="claims per run, photos")
    parser.add_argument(
        "--no-photos", action="store_true", help="only the floor and the claims without files"
    )
    parser.add_argument(
        "--photos-only",
        action="store_true",
        help="only the floor and the claims with two photos",
    )
    parser.add_argument("--docs", action="store_true", help="write docs/performance.md")
    options = parser.parse_args()

    queue = "redis" if redis_answers() else "sqlite"
    port = free_port()
    env = environment(port, queue)
    print(f"setting up {DATABASE} ...", flush=True)
    database_fresh(env)
    queue_empty(queue)
    warmup = max(50, options.clients * 10)
    scenarios = [
        Scenario("floor: insert one row", "/bench/floor", NO_FILES, 0, options.floor_requests),
        Scenario("claim, no files", "/api/claims", NO_FILES, 0, options.claims),
        Scenario("claim, two 200 KB photos", "/api/claims", WITH_PHOTOS, 2, options.photo_claims),
    ]
    photos = []
    if options.no_photos and options.photos_only:
        parser.error("--no-photos and --photos-only leave out each other's claims")
    if options.no_photos:
        scenarios = scenarios[:2]
    else:
        if options.photos_only:
            scenarios = [scenarios[0], scenarios[2]]
        needed = 2 * (
            warmup + options.clients + options.runs * (options.photo_claims + options.clients)
        )
        print(f"making {needed} distinct photos (kept in {PHOTOS}) ...", flush=True)
        photos = photo_pool(PHOTOS, needed)
    rows, number = [], 0
    load_before = os.getloadavg()[0]
    try:
        with gunicorn(
            env,
            port,
            workers=options.workers,
            worker_class=options.worker_class,
            threads=options.threads,
        ) as server:
            for scenario in scenarios:
                row, number = scenario_measure(
                    scenario, server=server, port=port, first_number=number, photos=photos,
                    options=options, warmup=warmup,
                )  # fmt: skip
                rows.append(row)
    finally:
        queue_empty(queue)
        shutil.rmtree(VAR / "private", ignore_errors=True)
    result_table = table(rows, rows[0]["rate"])
    setup = (
        f"gunicorn {options.workers} {options.worker_class} workers"
        + (f" x {options.threads} threads" if options.threads > 1 else "")
        + f", {options.clients} client processes, e-mail queue in {queue}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} before the runs and "
        f"{os.getloadavg()[0]:.1f} after (other work on the machine shares its CPUs)"
    )
    print()
    print(result_table)
    print(setup)
    if options.docs:
        docs_write(docs_section(result_table, setup, options))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
