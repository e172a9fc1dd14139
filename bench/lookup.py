"""How fast and how right "Is my product recalled?" is. One command, tables on stdout:

    .venv/bin/python bench/lookup.py            # the published run (several minutes)
    .venv/bin/python bench/lookup.py --quick    # a smoke run: 100,000 identifiers, short loads

1. in process, on the real catalog (var/bench/lookup.sqlite3: the bundled CPSC data, imported
   and extracted) and on a synthetic catalog of 1,000,000 identifiers: lookups/s, p50/p99
   latency, index build time and memory;
2. over HTTP, gunicorn on 127.0.0.1 loaded by wrk rotating over a mixed query list;
3. side by side, Datasette serving the same recalls from SQLite with FTS5, asked the same
   queries through its JSON search: throughput ratio and top-1 accuracy of both.
Results are also written to var/bench/lookup-results.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DATABASE = BENCH_DIR / "lookup.sqlite3"
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATABASE}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recalldesk.settings")

from lookup_http import make_run_arguments, with_application  # noqa: E402
from lookup_inprocess import measure, synthetic_child  # noqa: E402
from lookup_queries import as_free_text, queries_build  # noqa: E402


def _table(title: str, header: list[str], rows: list[list]) -> None:
    cells = [header, *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print(
            "  "
            + "  ".join(
                str(v).rjust(w) if i else str(v).ljust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def registry_ready() -> None:
    """The bundled data imported into the bench database, identifiers extracted."""
    import django
    from django.core.management import call_command

    django.setup()
    from recalldesk.identify.models import Identifier

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_bundled_data", verbosity=0)
    from recalldesk.identify.services import identifiers_extract_all

    # Again on every run, so the real catalog is what today's extraction reads.
    identifiers_extract_all()
    assert Identifier.objects.exists(), "extraction found no identifiers"


def real_catalog(per_kind: int, rounds: int) -> tuple[dict, list, list]:
    from recalldesk.identify.engine import index_build
    from recalldesk.identify.selectors import lookup_rows

    recalls, identifiers, rules = lookup_rows()
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        index = index_build(recalls=recalls, identifiers=identifiers, rules=rules)
        builds.append(time.perf_counter() - started)
    queries = queries_build(
        recalls=recalls, identifiers=identifiers, rules=rules, per_kind=per_kind
    )
    result = measure(index, queries, rounds=rounds)
    result.update(
        identifiers=len(index), recalls=len(recalls), build_s=median(builds), queries=len(queries)
    )
    return result, queries, recalls


def synthetic(size: int, rounds: int) -> dict:
    """Timing in one child process, memory (tracemalloc) in another: each starts clean."""
    runs = {}
    for mode in ("timing", "memory"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, f"--size={size}", f"--rounds={rounds}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        runs[mode] = json.loads(out.strip().splitlines()[-1])
    return {**runs["timing"], **runs["memory"]}


def _path(params: dict[str, str]) -> str:
    return "/api/lookup?" + urlencode(params)


def _top_ours(base: str, params: dict) -> str:
    from lookup_http import http_get

    status, body = http_get(base + _path(params))
    verdicts = json.loads(body).get("verdicts", []) if status == 200 else []
    first = verdicts[0] if verdicts else {}
    return first.get("recall_number", "") if first.get("kind") != "NO_MATCH" else ""


def _top_datasette(url: str) -> str:
    from lookup_http import http_get

    status, body = http_get(url)
    rows = json.loads(body) if status == 200 else []
    return rows[0]["number"] if rows else ""


def accuracy(queries: list, top) -> dict[str, float]:
    """Share of queries whose first answer is a right recall, per kind and overall."""
    right: dict[str, list[int]] = {}
    for kind, params, expected in queries:
        right.setdefault(kind, []).append(int(top(params) in expected))
    scores = {kind: sum(v) / len(v) for kind, v in right.items()}
    scores["all"] = sum(sum(v) for v in right.values()) / max(1, len(queries))
    return scores


def http_configs() -> tuple[list[tuple[str, list[str], str]], list[tuple[str, list[str]]]]:
    """gunicorn as `make run` serves (read from the Makefile), and beside it what shows each
    part's cost: gunicorn's access log, Django's own path, the sync workers served before.
    Each with its ceiling: the same gunicorn answering a fixed body without Django."""
    served = make_run_arguments()
    logged = make_run_arguments("ACCESS_LOG=-")
    sync = ["recalldesk.wsgi:application", "--workers=2", "--log-level=warning"]
    django = with_application(served, "recalldesk.wsgi:django_application")
    shape = " ".join(served[1:])
    ceilings = [
        ("fixed body, as make run serves", served),
        ("fixed body, with the access log", logged),
        ("fixed body, 2 sync workers", sync),
    ]
    configs = [
        (f"as make run serves ({shape})", served, ceilings[0][0]),
        ("the same with the access log (make run ACCESS_LOG=-)", logged, ceilings[1][0]),
        ("the same, Django's own path (no fast path)", django, ceilings[0][0]),
        ("2 sync workers (served before)", sync, ceilings[2][0]),
    ]
    return configs, ceilings


def http_side(args, queries: list) -> dict:
    from lookup_http import (
        DATASETTE_DB,
        datasette,
        datasette_database,
        datasette_ranked_path,
        datasette_search_path,
        gunicorn,
        gunicorn_hello,
        summary,
        wrk,
    )

    load = {"seconds": args.seconds, "connections": 8, "threads": 1}
    mixed = [_path(params) for _, params, _ in queries]
    boxed = as_free_text(queries)
    boxed_ours = [_path(params) for _, params, _ in boxed]
    target = datasette_database(source=DATABASE, target=BENCH_DIR / f"{DATASETTE_DB}.sqlite3")
    configs, ceilings = http_configs()
    with ExitStack() as stack:
        # Every server up at once (an idle one costs nothing) and loaded in turn, run after run:
        # the machine is shared, and ratios taken in the same minutes are fair to both sides.
        servers: dict[str, tuple[str, list[str]]] = {}
        bases: dict[str, str] = {}
        for name, arguments, _ in configs:
            bases[name] = stack.enter_context(gunicorn(database=DATABASE, arguments=arguments))
            servers[name] = (bases[name], mixed)
        for name, arguments in ceilings:
            servers[name] = (stack.enter_context(gunicorn_hello(arguments=arguments)), ["/"])
        served, logged = configs[0][0], configs[1][0]
        theirs = stack.enter_context(datasette(target))
        # The search-box comparison: Recall Desk as make run serves it, and with gunicorn's
        # access log (Datasette, as `datasette serve` runs uvicorn, logs every request).
        servers["ours"] = (bases[served], boxed_ours)
        servers["ours, access log"] = (bases[logged], boxed_ours)
        servers["datasette_search"] = (theirs, [datasette_search_path(p["q"]) for _, p, _ in boxed])
        servers["datasette_ranked"] = (theirs, [datasette_ranked_path(p["q"]) for _, p, _ in boxed])
        runs: dict[str, list[dict]] = {name: [] for name in servers}
        for _ in range(args.runs):
            for name, (base, paths) in servers.items():
                runs[name].append(wrk(base, paths, **load))
        results: dict = {"boxed_queries": len(boxed), "mixed_queries": len(mixed)}
        results["configs"] = {name: summary(runs[name]) for name, _, _ in configs}
        results["ceilings"] = {name: summary(runs[name]) for name, _ in ceilings}
        results["ceiling_of"] = {name: ceiling for name, _, ceiling in configs}
        for name in ("ours", "ours, access log", "datasette_search", "datasette_ranked"):
            results[name] = summary(runs[name])

        def ratios(mine: str, other: str) -> list[float]:
            return [a["rps"] / b["rps"] for a, b in zip(runs[mine], runs[other], strict=True)]

        results["ratios"] = {
            "datasette_search": ratios("ours", "datasette_search"),
            "datasette_ranked": ratios("ours", "datasette_ranked"),
            "datasette_search, access log": ratios("ours, access log", "datasette_search"),
            "datasette_ranked, access log": ratios("ours, access log", "datasette_ranked"),
            **{
                f"{name} / ceiling": ratios(name, results["ceiling_of"][name])
                for name in results["configs"]
            },
        }
        results["accuracy_ours"] = accuracy(boxed, lambda p: _top_ours(bases[served], p))
        for name, path in (("search", datasette_search_path), ("ranked", datasette_ranked_path)):
            results[f"accuracy_datasette_{name}"] = accuracy(
                boxed, lambda p, f=path: _top_datasette(theirs + f(p["q"]))
            )
    results["ours"]["config"] = served
    results["ours, access log"]["config"] = logged
    return results


def report(results: dict) -> None:
    from lookup_report import report_print

    report_print(results, table=_table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 identifiers, short loads")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5, help="in-process passes over the queries")
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run")
    parser.add_argument("--runs", type=int, default=3, help="wrk runs per server (median)")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--child", choices=("timing", "memory"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(synthetic_child(mode=args.child, size=args.size, rounds=args.rounds)))
        return
    if args.quick:
        args.size, args.rounds, args.seconds, args.runs = 100_000, 2, 3, 1
    started, load_before = time.time(), os.getloadavg()
    registry_ready()
    real, queries, _ = real_catalog(per_kind=40, rounds=args.rounds)
    results = {"real": real, "synthetic": synthetic(args.size, args.rounds)}
    if not args.no_http:
        results["http"] = http_side(args, queries)
    results["seconds"] = round(time.time() - started)
    results["machine"] = {"cpus": os.cpu_count(), "load_before": load_before}
    (BENCH_DIR / "lookup-results.json").write_text(json.dumps(results, indent=2, default=str))
    report(results)


if __name__ == "__main__":
    main()
