"""Every UI string exists in Chinese, and the committed .mo files match their .po files.

The compiled catalogs are committed so that a fresh machine needs no GNU gettext; these
tests catch a .po that was edited without recompiling, or a string left untranslated.
"""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCE_GLOBS = ["templates/**/*.html", "square/**/*.py", "campaigns/**/*.py"]
TEMPLATE_STRING = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")


def test_chinese_catalog_is_complete():
    po = polib.pofile(str(ZH_PO))
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_committed_mo_matches_po(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert mo.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert mo.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_every_template_string_is_in_the_catalog():
    """A {% translate "…" %} added without `make messages` would show English to everyone."""
    catalog = {e.msgid for e in polib.pofile(str(ZH_PO))}
    base = Path(settings.BASE_DIR)
    missing = []
    for path in (base / "templates").rglob("*.html"):
        for match in TEMPLATE_STRING.finditer(path.read_text(encoding="utf-8")):
            if match.group(2) not in catalog:
                missing.append(f"{path.relative_to(base)}: {match.group(2)}")
    assert missing == []
