"""HTTP side of bench/lookup.py: gunicorn serving /api/lookup, and Datasette with FTS5,
both on 127.0.0.1, loaded by wrk rotating over the same query list."""

import json
import os
import re
import shlex
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BENCH_DIR = ROOT / "var" / "bench"
DATASETTE_VENV = BENCH_DIR / "datasette-venv"

LUA = """
local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("offset", threads * 37)
  threads = threads + 1
end
function init(args)
  i = offset or 0
end
function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


class Server(str):
    """A server's base URL that also knows the process serving it."""

    pid: int = 0


def _served(base: str, process: subprocess.Popen) -> Server:
    server = Server(base)
    server.pid = process.pid
    return server


def tree_cpu_seconds(root: int) -> float:
    """CPU time used so far by a process and all its descendants (gunicorn's workers)."""
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        used[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, family = 0.0, {root}
    for pid in sorted(used):
        ancestor = pid
        while ancestor not in family and ancestor in parent and ancestor > 1:
            ancestor = parent[ancestor]
        if ancestor in family:
            family.add(pid)
            total += used[pid]
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (127.0.0.1)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_ready(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {url}")
        try:
            status, _ = http_get(url, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server not ready: {url}")


@contextmanager
def serving(command: list[str], ready_url: str, env: dict[str, str]):
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_ready(ready_url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def make_run_arguments(*variables: str) -> list[str]:
    """gunicorn's arguments as `make run` gives them to bin/serve (read from `make -n run`, with
    these make variables, e.g. ACCESS_LOG=-), less --bind: the application, workers, worker
    class, threads, log settings."""
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *variables],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.replace("\\\n", " ")  # fmt: skip
    line = next(
        line for line in printed.splitlines() if "bin/serve " in line and not line.startswith("#")
    )
    words = shlex.split(line.split("bin/serve ", 1)[1])
    arguments, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "--bind":
            skip = True
        elif not word.startswith("--bind="):
            arguments.append(word)
    return arguments


def with_application(arguments: list[str], application: str) -> list[str]:
    """The same arguments serving another WSGI application (the first word that names one)."""
    first = next(i for i, word in enumerate(arguments) if ":" in word and not word.startswith("-"))
    return [*arguments[:first], application, *arguments[first + 1 :]]


@contextmanager
def gunicorn(*, database: Path, arguments: list[str]):
    """gunicorn on a free port of 127.0.0.1 with these arguments (an application first)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "RATELIMIT_ENABLED": "0",  # one client sends everything; the limiter would refuse it
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [str(VENV_BIN / "gunicorn"), *arguments, f"--bind=127.0.0.1:{port}"]
    base = f"http://127.0.0.1:{port}"
    with serving(command, f"{base}/api/lookup?model=MMA008", env) as process:
        # Each worker builds its index on its first lookup; make sure all have.
        for _ in range(60):
            http_get(f"{base}/api/lookup?model=MMA008")
        yield _served(base, process)


HELLO = """def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"hello": "world"}']
"""


@contextmanager
def gunicorn_hello(*, arguments: list[str]):
    """The same gunicorn answering a fixed body without Django: the ceiling of this machine."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    (BENCH_DIR / "hello_wsgi.py").write_text(HELLO)
    port = free_port()
    command = [
        str(VENV_BIN / "gunicorn"),
        *with_application(arguments, "hello_wsgi:app"),
        f"--chdir={BENCH_DIR}",
        f"--bind=127.0.0.1:{port}",
    ]
    base = f"http://127.0.0.1:{port}"
    with serving(command, f"{base}/", dict(os.environ)) as process:
        yield _served(base, process)


def datasette_install() -> Path:
    """A venv of its own under var/bench (not a project dependency)."""
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        pip = DATASETTE_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "--quiet", "datasette"], check=True)
    return binary


def datasette_database(*, source: Path, target: Path) -> Path:
    """The same recalls, with an FTS5 table over title, product, description and firms."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as db:
        rows = db.execute(
            """
            SELECT r.id, r.number, r.title, r.product_name, r.description,
                   COALESCE((SELECT group_concat(f.name, '; ') FROM registry_recallfirm l
                             JOIN registry_firm f ON f.id = l.firm_id
                             WHERE l.recall_id = r.id), ''),
                   COALESCE(r.recall_date, '')
            FROM registry_recall r
            """
        ).fetchall()
    with sqlite3.connect(target) as db:
        db.executescript(
            """
            CREATE TABLE recalls (id INTEGER PRIMARY KEY, number TEXT, title TEXT,
                product_name TEXT, description TEXT, firms TEXT, recall_date TEXT);
            CREATE VIRTUAL TABLE recalls_fts USING fts5(
                title, product_name, description, firms, content="recalls", content_rowid="id");
            """
        )
        db.executemany("INSERT INTO recalls VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        db.execute("INSERT INTO recalls_fts(recalls_fts) VALUES ('rebuild')")
    return target


@contextmanager
def datasette(database: Path):
    port = free_port()
    metadata = BENCH_DIR / "datasette-metadata.json"
    # Newest recall first: the order a person expects when the search does not rank.
    metadata.write_text(
        json.dumps(
            {"databases": {database.stem: {"tables": {"recalls": {"sort_desc": "recall_date"}}}}}
        )
    )
    command = [
        str(datasette_install()),
        "serve",
        str(database),
        "--host=127.0.0.1",
        f"--port={port}",
        f"--metadata={metadata}",
    ]
    base = f"http://127.0.0.1:{port}"
    ready = f"{base}/{database.stem}/recalls.json?_size=1"
    with serving(command, ready, dict(os.environ)) as process:
        yield _served(base, process)


def fts_escape(text: str) -> str:
    """What Datasette's escape_fts does: each word quoted, so no word is an operator."""
    return " ".join(
        '"{}"'.format(word.replace('"', "")) for word in text.split() if word.strip('"')
    )


DATASETTE_DB = "recalls"  # the database file's stem: Datasette serves it at /recalls


def datasette_search_path(text: str) -> str:
    query = urlencode({"_search": text, "_size": 5, "_shape": "array"})
    return f"/{DATASETTE_DB}/recalls.json?{query}"


def datasette_ranked_path(text: str) -> str:
    sql = (
        "select recalls.number from recalls_fts join recalls on recalls.id = recalls_fts.rowid "
        "where recalls_fts match :q order by rank limit 5"
    )
    query = urlencode({"sql": sql, "q": fts_escape(text) or '""', "_shape": "array"})
    return f"/{DATASETTE_DB}.json?{query}"


def wrk(base: str, paths: list[str], *, seconds: int, connections: int, threads: int) -> dict:
    """One wrk run rotating over the paths: requests/s, p50 and p99 latency, errors."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % quoted)
    pid = getattr(base, "pid", 0)
    cpu_before = tree_cpu_seconds(pid) if pid else 0.0
    try:
        out = subprocess.run(
            ["/usr/bin/wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
             "-s", script.name, base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    cpu = tree_cpu_seconds(pid) - cpu_before if pid else float("nan")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    done = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rate,
        "p50_ms": _latency(out, "50%"),
        "p99_ms": _latency(out, "99%"),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
        # The server's own CPU per answer: what the shared machine's load does not change.
        "cpu_us_per_request": cpu / max(done, 1) * 1e6,
    }


def _latency(out: str, percentile: str) -> float:
    match = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", out)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk_repeated(base: str, paths: list[str], *, runs: int, **options) -> dict:
    return summary([wrk(base, paths, **options) for _ in range(runs)])


def summary(results: list[dict]) -> dict:
    """Medians of several wrk runs, and each run's rate."""
    return {
        "rps": median(r["rps"] for r in results),
        "rps_runs": [r["rps"] for r in results],
        "p50_ms": median(r["p50_ms"] for r in results),
        "p99_ms": median(r["p99_ms"] for r in results),
        "non_2xx": sum(r["non_2xx"] for r in results),
        "cpu_us_per_request": median(r["cpu_us_per_request"] for r in results),
        "socket_errors": "; ".join(r["socket_errors"] for r in results if r["socket_errors"]),
    }
