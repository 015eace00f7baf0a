"""Every visible string has a Dutch translation, and the compiled catalogue is current."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "coopnet/translations/nl/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")


def test_every_extracted_string_has_a_dutch_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.* node_modules", "--no-location",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert len(wanted) > 40, "extraction found too few strings: check babel.cfg"
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and "fuzzy" not in m.flags
        and (m.string if isinstance(m.string, str) else all(m.string))
    }
    assert sorted(wanted - translated) == []


def _entries(catalog):
    """msgid -> translation; plural forms as tuples (the .mo reader gives lists)."""
    def key(value):
        return value if isinstance(value, str) else tuple(value)
    return {key(m.id): key(m.string) for m in catalog if m.id and m.string}


def test_compiled_catalogue_matches_the_po_file():
    with PO.open("rb") as f:
        po = _entries(read_po(f))
    with MO.open("rb") as f:
        mo = _entries(read_mo(f))
    assert mo == po, "run `make setup` (pybabel compile) and commit the .mo file"
