"""The tables bench/lookup.py prints, against the targets of issue 3."""

from statistics import median

TARGETS = {
    "p50_us": 50.0,
    "build_s": 15.0,
    "index_mb": 600.0,
    "http_rps": 1500.0,
    "datasette_ratio": 10.0,
}


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _runs(summary: dict) -> str:
    return " ".join(f"{x:,.0f}" for x in summary["rps_runs"])


def report_print(results: dict, *, table) -> None:
    real, synthetic = results["real"], results["synthetic"]
    table(
        "In process, one thread (median of rounds)",
        ["catalog", "identifiers", "recalls", "queries", "lookups/s", "p50 µs", "p99 µs",
         "p50 CPU µs", "p99 CPU µs", "build s"],
        [
            ["real (bundled CPSC)", real["identifiers"], real["recalls"], real["queries"],
             real["per_second"], real["p50_us"], real["p99_us"], real["p50_cpu_us"],
             real["p99_cpu_us"], real["build_s"]],
            ["synthetic", synthetic["identifiers"], synthetic["recalls"], synthetic["queries"],
             synthetic["per_second"], synthetic["p50_us"], synthetic["p99_us"],
             synthetic["p50_cpu_us"], synthetic["p99_cpu_us"], synthetic["build_s"]],
        ],
    )  # fmt: skip
    table(
        "Latency by kind of query (µs)",
        ["kind", "real p50", "real p99", "synthetic p50", "synthetic p99"],
        [
            [kind, numbers["p50_us"], numbers["p99_us"],
             synthetic["by_kind"].get(kind, {}).get("p50_us", float("nan")),
             synthetic["by_kind"].get(kind, {}).get("p99_us", float("nan"))]
            for kind, numbers in real["by_kind"].items()
        ],
    )  # fmt: skip
    table(
        f"Synthetic catalog of {synthetic['identifiers']:,} identifiers: build and memory",
        ["measure", "value", "target", ""],
        [
            ["build, wall s", synthetic["build_s"], TARGETS["build_s"],
             _mark(synthetic["build_s"] <= TARGETS["build_s"])],
            ["build, CPU s", synthetic["build_cpu_s"], TARGETS["build_s"],
             _mark(synthetic["build_cpu_s"] <= TARGETS["build_s"])],
            ["index held, MB (tracemalloc)", synthetic["index_mb"], TARGETS["index_mb"],
             _mark(synthetic["index_mb"] <= TARGETS["index_mb"])],
            ["RSS growth during build, MB", synthetic["rss_index_mb"], "", ""],
            ["peak traced during build, MB (rows + index)", synthetic["peak_traced_mb"], "", ""],
            ["p50 lookup µs (wall)", synthetic["p50_us"], TARGETS["p50_us"],
             _mark(synthetic["p50_us"] <= TARGETS["p50_us"])],
            ["p50 lookup µs (CPU)", synthetic["p50_cpu_us"], TARGETS["p50_us"],
             _mark(synthetic["p50_cpu_us"] <= TARGETS["p50_us"])],
        ],
    )  # fmt: skip
    http = results.get("http")
    if not http:
        return
    ceilings = http["ceilings"]
    table(
        f"HTTP GET /api/lookup, gunicorn on 127.0.0.1, wrk over {http['mixed_queries']} "
        "mixed queries (median of runs)",
        ["gunicorn", "requests/s", "p50 ms", "p99 ms", "non-2xx", "CPU µs/request",
         "of its ceiling", "runs"],
        [
            *[[name, r["rps"], r["p50_ms"], r["p99_ms"], r["non_2xx"], r["cpu_us_per_request"],
               median(http["ratios"][f"{name} / ceiling"]), _runs(r)]
              for name, r in http["configs"].items()],
            *[[f"{name} (ceiling)", r["rps"], r["p50_ms"], r["p99_ms"], r["non_2xx"],
               r["cpu_us_per_request"], 1.0, _runs(r)]
              for name, r in ceilings.items()],
        ],
    )  # fmt: skip
    ours, logged = http["ours"], http["ours, access log"]
    ratios = http["ratios"]
    search, ranked = http["datasette_search"], http["datasette_ranked"]
    acc_ours = http["accuracy_ours"]
    acc_search = http["accuracy_datasette_search"]
    acc_ranked = http["accuracy_datasette_ranked"]
    table(
        f"Same {http['boxed_queries']} queries typed in one search box: Recall Desk "
        f"({ours['config']}) and Datasette",
        ["server", "requests/s", "p50 ms", "CPU µs/request", "runs", "top-1 accuracy"],
        [
            ["Recall Desk /api/lookup?q=, as make run serves", ours["rps"], ours["p50_ms"],
             ours["cpu_us_per_request"], _runs(ours), acc_ours["all"]],
            ["Recall Desk, with the access log", logged["rps"], logged["p50_ms"],
             logged["cpu_us_per_request"], _runs(logged), acc_ours["all"]],
            ["Datasette ?_search= (FTS5)", search["rps"], search["p50_ms"],
             search["cpu_us_per_request"], _runs(search), acc_search["all"]],
            ["Datasette FTS5 ORDER BY rank", ranked["rps"], ranked["p50_ms"],
             ranked["cpu_us_per_request"], _runs(ranked), acc_ranked["all"]],
        ],
    )  # fmt: skip
    table(
        "Recall Desk's requests/s over Datasette's, run by run (the same minutes)",
        ["Recall Desk / Datasette", "median", "runs"],
        [
            [name, median(ratios[key]), " ".join(f"{x:.1f}" for x in ratios[key])]
            for name, key in (
                ("as make run serves / _search", "datasette_search"),
                ("as make run serves / ranked", "datasette_ranked"),
                ("with the access log / _search", "datasette_search, access log"),
                ("with the access log / ranked", "datasette_ranked, access log"),
            )
        ],
    )
    table(
        "Top-1 accuracy by kind of query",
        ["kind", "Recall Desk", "Datasette _search", "Datasette ranked"],
        [
            [kind, acc_ours[kind], acc_search.get(kind, 0.0), acc_ranked.get(kind, 0.0)]
            for kind in acc_ours
        ],
    )  # fmt: skip
    served = next(iter(http["configs"].values()))["rps"]  # as make run serves
    ratio = median(ratios["datasette_search"])
    print(
        f"\nTargets (as make run serves): HTTP {served:,.0f}/s vs {TARGETS['http_rps']:,.0f} "
        f"({_mark(served >= TARGETS['http_rps'])}); "
        f"{ratio:.1f}x Datasette vs {TARGETS['datasette_ratio']:.0f}x "
        f"({_mark(ratio >= TARGETS['datasette_ratio'])}); accuracy {acc_ours['all']:.2f} vs "
        f"{max(acc_search['all'], acc_ranked['all']):.2f} "
        f"({_mark(acc_ours['all'] > max(acc_search['all'], acc_ranked['all']))})."
    )
    print(
        f"Run took {results['seconds']} s; load average before: {results['machine']['load_before']}"
    )
