"""Replace one `## ` section of a Markdown document (docs/performance.md), or append it; the other
sections stay as they are. The benchmarks write their own tables through this."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(doc: Path, heading: str, body: str) -> None:
    """`body` starts with `heading`; it replaces the section so headed, up to the next `## `."""
    text = doc.read_text() if doc.exists() else "# Performance\n"
    pattern = re.compile(rf"{re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    section = body.rstrip("\n") + "\n"
    text = (
        pattern.sub(lambda _m: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    )
    doc.write_text(text if text.endswith("\n") else text + "\n")
