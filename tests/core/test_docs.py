"""The README and docs/ link only to files and sections that exist in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(markdown: str) -> set[str]:
    """The section anchors GitHub makes of a document's headings."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_the_documentation_exists():
    names = {path.name for path in DOCUMENTS}
    assert {"api.md", "architecture.md", "operations.md", "traps.md"} <= names


def test_every_relative_link_reaches_a_file_and_section_of_the_repository():
    broken = []
    for document in DOCUMENTS:
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # an absolute address (https:, mailto:)
            path, _, anchor = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            if ROOT not in linked.parents or not linked.exists():
                broken.append(f"{document.name}: {target}")
            elif anchor and anchor not in _anchors(linked.read_text(encoding="utf-8")):
                broken.append(f"{document.name}: {target} (no such section)")
    assert broken == []
