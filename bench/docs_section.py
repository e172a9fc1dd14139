"""Writing one "## " section of docs/performance.md, for the benches' --docs."""

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def docs_section_write(title: str, text: str) -> None:
    """Replace the section headed "## {title}" (up to the next "## ") with text, or add it.

    Everything else in the file stays as it is, subsections of that section included: they go
    with it, so a section written by hand is better updated by hand.
    """
    current = DOCS.read_text() if DOCS.exists() else "# Performance\n"
    start = current.find(f"\n## {title}\n")
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        following = current.find("\n## ", start + 1)
        rest = current[following:] if following != -1 else "\n"
        updated = current[:start] + "\n" + text.rstrip("\n") + "\n" + rest
    DOCS.write_text(updated)


def docs_block_write(name: str, text: str) -> None:
    """Replace what stands between the markers "<!-- {name}: from here -->" and
    "<!-- {name}: to here -->" with text, the rest of the file as it is.

    For a bench whose section is written by hand around the figures it writes. Without the
    markers nothing is written: put them where the figures belong.
    """
    start_marker, end_marker = f"<!-- {name}: from here -->", f"<!-- {name}: to here -->"
    current = DOCS.read_text() if DOCS.exists() else ""
    start, end = current.find(start_marker), current.find(end_marker)
    if start == -1 or end < start:
        raise SystemExit(
            f"{DOCS} has no {start_marker} ... {end_marker}; add them where the figures go."
        )
    head = current[: start + len(start_marker)]
    DOCS.write_text(f"{head}\n{text.strip()}\n{current[end:]}")
