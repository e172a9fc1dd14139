"""CPU and statements per claim, in-process: Django's test client against PostgreSQL.

Usage: .venv/bin/python bench/claims_inprocess.py [--claims 300] [--database NAME] [--profile N]

Wall-clock rates on a shared machine are noisy; CPU time is not. This files `--claims` claims
without files through POST /api/claims (multipart, Idempotency-Key, the same fields as
bench/claims.py) with Django's test client, and reports per claim: the Django process's CPU
(time.process_time), the database backend's CPU (from /proc, the backend serves this process
only), and the SQL statements Django sent (an execute wrapper, plus BEGIN and COMMIT for each
commit). After a warm-up the database is analyzed, as bench/claims.py does. The floor of
bench/claims_urls.py is measured the same way. A fresh database NAME (default
recalldesk_inprocess) is made first.
--profile N prints the N costliest functions of the claims (cProfile on CPU time, cumulative).
"""

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/12"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _prepare(database: str) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", f"CREATE DATABASE {database}"):
        subprocess.run(
            ["psql", f"{SERVER}/postgres", "-q", "-c", sql], check=True, capture_output=True
        )
    from bench.claims import CSV_PATH
    from bench.claims_setup import main as setup_main

    setup_main(str(CSV_PATH))


def _requests(path: str, program: str, first: int, count: int):
    from bench.claims_client import PHOTO_BOUNDARY, Scenario, claim_fields, multipart

    scenario = Scenario("claims", path, program, 0, count)
    content_type = f"multipart/form-data; boundary={PHOTO_BOUNDARY}"
    return [
        (multipart(claim_fields(scenario, number), []), content_type, str(uuid.uuid4()))
        for number in range(first, first + count)
    ]


class _Statements:
    """An execute wrapper counting the statements sent, by first word, and keeping the last few."""

    def __init__(self) -> None:
        self.kinds: dict[str, int] = {}
        self.last: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        word = sql.split(None, 1)[0].upper()
        self.kinds[word] = self.kinds.get(word, 0) + 1
        self.last = [*self.last[-11:], sql]
        return execute(sql, params, many, context)


def measure(client, path: str, program: str, first: int, count: int, profile: int) -> dict:
    """File `count` claims at `path`; CPU ms and statements per claim."""
    from django.db import connection

    requests = _requests(path, program, first, count)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    profiler = cProfile.Profile(time.process_time) if profile else None
    statuses: dict[int, int] = {}
    statements = _Statements()
    commits = []
    real_commit = connection.commit
    # Django sends BEGIN and COMMIT through the connection, not a cursor: one pair per commit.
    connection.commit = lambda: commits.append(1) or real_commit()
    database_before, django_before = _cpu_seconds(backend), time.process_time()
    try:
        with connection.execute_wrapper(statements):
            if profiler:
                profiler.enable()
            for body, content_type, key in requests:
                answer = client.generic(
                    "POST", path, body, content_type=content_type, HTTP_IDEMPOTENCY_KEY=key
                )
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            if profiler:
                profiler.disable()
    finally:
        del connection.commit
    django_ms = (time.process_time() - django_before) * 1000 / count
    database_ms = (_cpu_seconds(backend) - database_before) * 1000 / count
    if profiler:
        # PROFILE_SORT=tottime (or any pstats key) orders them otherwise.
        order = os.environ.get("PROFILE_SORT", "cumulative")
        pstats.Stats(profiler).sort_stats(order).print_stats(profile)
    statements.kinds.update(BEGIN=len(commits), COMMIT=len(commits))
    kinds = {word: n / count for word, n in sorted(statements.kinds.items()) if n}
    total = sum(statements.kinds.values())
    return {
        "statuses": statuses,
        "django_ms": django_ms,
        "database_ms": database_ms,
        "statements": total / count,
        "kinds": kinds,
        "sql": statements.last,
    }


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--database", default="recalldesk_inprocess")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the N costliest functions"
    )
    parser.add_argument("--sql", action="store_true", help="print the last claim's statements")
    options = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.claims_settings",
        DATABASE_URL=f"{SERVER}/{options.database}",
        RECALLDESK_VAR_DIR=str(ROOT / "var" / "bench" / "claims-inprocess"),
        RECALLDESK_TESTING="0",
        RATELIMIT_ENABLED="0",
        DEBUG="0",
        LOG_LEVEL="ERROR",
        ALLOWED_HOSTS="testserver",
        HUEY_IMMEDIATE="0",
        CONN_MAX_AGE="600",
    )
    # As bench/claims.py: e-mails queued in Redis (database 12, which no test uses), emptied after.
    os.environ["REDIS_URL"] = REDIS_URL
    import django

    _prepare(options.database)
    django.setup()
    from django.test import Client

    from bench.claims_setup import NO_FILES

    client = Client()
    warm = options.claims // 5 or 1
    rows = []
    number = 0
    for name, path in (("floor", "/bench/floor"), ("claim, no files", "/api/claims")):
        measure(client, path, NO_FILES, number, warm, 0)
        number += warm
        _analyze()  # as autovacuum would; see statistics_update in bench/claims.py
        profile = options.profile if path != "/bench/floor" else 0
        result = measure(client, path, NO_FILES, number, options.claims, profile)
        number += options.claims
        rows.append((name, result))
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    print(f"{options.claims} requests each, CPU ms per request (Django + PostgreSQL backend)")
    for name, result in rows:
        print(
            f"{name:16} {result['django_ms']:6.2f} + {result['database_ms']:5.2f} = "
            f"{result['django_ms'] + result['database_ms']:6.2f} ms  "
            f"statements {result['statements']:.1f} {result['kinds']}  {result['statuses']}"
        )
    if options.sql:
        print("\n".join(rows[-1][1]["sql"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
