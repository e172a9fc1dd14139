"""In-process side of bench/lookup.py: lookups timed one by one, build time, memory."""

import contextlib
import gc
import random
import resource
import time
import tracemalloc
from statistics import median

from lookup_catalog import catalog_generate
from lookup_queries import queries_build

from recalldesk.identify.engine import LookupInputError, index_build, lookup


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _percentile(ordered: list[int], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] / 1000  # ns -> µs


def measure(index, queries: list, *, rounds: int) -> dict:
    """Each query timed alone, by the wall clock and by this thread's CPU time (which the
    other programs on a shared machine do not inflate); medians over rounds."""
    order = list(queries)
    for _, params, _ in order:  # warm caches and code paths
        with contextlib.suppress(LookupInputError):
            lookup(index, **params)
    per_round = []
    by_kind: dict[str, list[int]] = {}
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    for number in range(rounds):
        random.Random(number).shuffle(order)
        spent, used = [], []
        for kind, params, _ in order:
            started, charged = wall(), cpu()
            with contextlib.suppress(LookupInputError):
                lookup(index, **params)
            used.append(cpu() - charged)
            took = wall() - started
            spent.append(took)
            by_kind.setdefault(kind, []).append(took)
        spent.sort()
        used.sort()
        per_round.append(
            {
                "p50_us": _percentile(spent, 0.50),
                "p99_us": _percentile(spent, 0.99),
                "p50_cpu_us": _percentile(used, 0.50),
                "p99_cpu_us": _percentile(used, 0.99),
                "per_second": len(spent) / (sum(spent) / 1e9),
            }
        )
    result = {key: median(r[key] for r in per_round) for key in per_round[0]}
    result["by_kind"] = {
        kind: {"p50_us": _percentile(sorted(v), 0.5), "p99_us": _percentile(sorted(v), 0.99)}
        for kind, v in sorted(by_kind.items())
    }
    return result


def synthetic_child(*, mode: str, size: int, rounds: int) -> dict:
    """Run in a fresh process: 'timing' builds and queries, 'memory' traces allocations."""
    if mode == "memory":
        tracemalloc.start()
    before = _rss_mb()
    catalog = catalog_generate(identifiers=size)
    generated = _rss_mb()
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    index = index_build(
        recalls=catalog.recalls, identifiers=catalog.identifiers, rules=catalog.rules
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    built = _rss_mb()
    if mode == "memory":
        peak = tracemalloc.get_traced_memory()[1]
        # What stays is the index and the strings it shares with the rows it was built from.
        del catalog
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return {"index_mb": held / 2**20, "peak_traced_mb": peak / 2**20, "entries": len(index)}
    queries = queries_build(
        recalls=catalog.recalls,
        identifiers=catalog.identifiers,
        rules=catalog.rules,
        per_kind=300,
    )
    # The index lives until the next build: keep the collector from walking it (as serving does).
    gc.freeze()
    result = measure(index, queries, rounds=rounds)
    result.update(
        identifiers=len(index),
        recalls=len(catalog.recalls),
        rules=len(catalog.rules),
        queries=len(queries),
        build_s=wall,
        build_cpu_s=cpu,
        rss_rows_mb=generated - before,
        rss_index_mb=built - generated,
    )
    return result
