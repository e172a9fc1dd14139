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
