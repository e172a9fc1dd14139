"""The table of bench/claims.py, and its section of docs/performance.md."""

import subprocess
import time

from bench.docs_section import docs_block_write

DOCS_BLOCK = "bench/claims.py --docs"


def table(rows: list[dict], floor_rate: float) -> str:
    lines = [
        "| scenario | requests | claims/s (median) | runs | p50 ms | p99 ms | ratio to floor "
        "| server CPU ms per claim: Django + PostgreSQL |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        runs = " / ".join(f"{rate:.0f}" for rate in row["rates"])
        lines.append(
            f"| {row['name']} | {row['requests']} | {row['rate']:.0f} | {runs} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['rate'] / floor_rate:.2f} | "
            f"{row['django_ms'] + row['database_ms']:.1f} = {row['django_ms']:.1f} + "
            f"{row['database_ms']:.1f} |"
        )
    return "\n".join(lines)


def docs_write(text: str) -> None:
    """Write the latest run between the claims bench's markers in docs/performance.md.

    Only what the run measured: the section around it (targets, what changed, why) is
    written by hand.
    """
    docs_block_write(DOCS_BLOCK, text)


def docs_section(result_table: str, setup: str, options) -> str:
    command = (
        f"flock /tmp/recalldesk-bench.lock .venv/bin/python bench/claims.py --workers "
        f"{options.workers} --clients {options.clients} --runs {options.runs} --docs"
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    when = time.strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"{result_table}\n\n{setup}. Written by `{command}` on {when}"
        f"{f', commit {commit}' if commit else ''}."
    )
