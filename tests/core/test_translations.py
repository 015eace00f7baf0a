"""Every visible string has a Dutch and a French translation, and the compiled catalogues
are current."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {lang: ROOT / f"coopnet/translations/{lang}/LC_MESSAGES/messages.po"
              for lang in ("nl", "fr")}


@pytest.fixture(scope="module")
def wanted(tmp_path_factory):
    """The msgids extracted from the code and templates, as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.* node_modules", "--no-location",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as f:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert len(ids) > 40, "extraction found too few strings: check babel.cfg"
    return ids


def _translated(po: Path) -> set[str]:
    with po.open("rb") as f:
        catalog = read_po(f)
    return {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and "fuzzy" not in m.flags
        and (m.string if isinstance(m.string, str) else all(m.string))
    }


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_every_extracted_string_is_translated(wanted, lang):
    missing = sorted(wanted - _translated(CATALOGUES[lang]))
    # one msgid per line, ready to copy into the catalogue
    assert missing == [], (
        f"{len(missing)} strings have no {lang} translation in {CATALOGUES[lang].relative_to(ROOT)}"
        ":\n" + "\n".join(f"msgid {m!r}" for m in missing))


def _entries(catalog):
    """msgid -> translation; plural forms as tuples (the .mo reader gives lists)."""
    def key(value):
        return value if isinstance(value, str) else tuple(value)
    return {key(m.id): key(m.string) for m in catalog if m.id and m.string}


@pytest.mark.parametrize("lang", list(CATALOGUES))
def test_compiled_catalogue_matches_the_po_file(lang):
    po_path = CATALOGUES[lang]
    with po_path.open("rb") as f:
        po = _entries(read_po(f))
    with po_path.with_suffix(".mo").open("rb") as f:
        mo = _entries(read_mo(f))
    assert mo == po, "run `make setup` (pybabel compile) and commit the .mo file"


def test_french_keeps_every_placeholder():
    """A translation that drops or renames %(name)s would fail at run time."""
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    with CATALOGUES["fr"].open("rb") as f:
        catalog = read_po(f)
    wrong = []
    for m in catalog:
        if not m.id or not m.string:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for source, text in zip(ids * len(strings) if len(ids) == 1 else ids, strings,
                                strict=False):
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(text)):
                wrong.append(source)
    assert wrong == []
