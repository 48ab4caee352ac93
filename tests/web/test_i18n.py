"""The user interface in Dutch (default) and English: the catalogue, the switch and formats.

The msgids are Dutch, so the Dutch interface needs no catalogue; the English catalogue
in src/samenspel/locale/en supplies every translation.
"""

from __future__ import annotations

import ast
import datetime
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import formats, translation

from samenspel.testing import Cast, force_verified_login

LC_MESSAGES = Path(__file__).resolve().parents[2] / "src/samenspel/locale/en/LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
KEYWORD_LINE = re.compile(r"(msgid|msgid_plural|msgstr|msgctxt)(?:\[(\d+)\])? (.*)")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def parse_po(path: Path) -> list[Entry]:
    """Read the entries of a .po file (without the header); enough for this catalogue."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry()
        current: tuple[str, int] | None = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line.strip():
                continue
            elif match := KEYWORD_LINE.fullmatch(line):
                keyword, index, value = match.groups()
                current = (keyword, int(index or 0))
                _append(entry, current, ast.literal_eval(value), start=True)
            elif line.startswith('"') and current is not None:
                _append(entry, current, ast.literal_eval(line), start=False)
            else:
                raise AssertionError(f"Unexpected line in {path.name}: {line!r}")
        if current is not None and entry.msgid:
            entries.append(entry)
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str, *, start: bool) -> None:
    keyword, index = target
    if keyword == "msgid":
        entry.msgid = text if start else entry.msgid + text
    elif keyword == "msgid_plural":
        entry.msgid_plural = text if start else (entry.msgid_plural or "") + text
    elif keyword == "msgstr":
        entry.msgstr[index] = text if start else entry.msgstr[index] + text


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [entry for entry in parse_po(PO_FILE) if not entry.obsolete]


def test_english_catalogue_has_a_proper_header() -> None:
    header = PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header
    assert '"Language: en\\n"' in header
    assert '"Project-Id-Version: Samenspel\\n"' in header
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in header
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header


def test_english_catalogue_is_complete(entries: list[Entry]) -> None:
    assert len(entries) > 300
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    empty = [entry.msgid for entry in entries if not all(entry.msgstr.values())]
    wrong_plurals = [
        entry.msgid
        for entry in entries
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1]
    ]
    assert fuzzy == []
    assert empty == []
    assert wrong_plurals == []


def test_translations_keep_their_placeholders(entries: list[Entry]) -> None:
    broken = []
    for entry in entries:
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for index, translated in entry.msgstr.items():
            source = sources[min(index, 1)]
            if set(PLACEHOLDER.findall(source)) != set(PLACEHOLDER.findall(translated)):
                broken.append(entry.msgid)
    assert broken == []


def test_shipped_mo_file_matches_the_po_file(entries: list[Entry]) -> None:
    """The .mo in the package is compiled from the current .po (run compilemessages)."""
    with MO_FILE.open("rb") as fp:
        shipped = gettext.GNUTranslations(fp)
    expected: dict[str | tuple[str, int], str] = {}
    for entry in entries:
        if entry.msgid_plural is None:
            expected[entry.msgid] = entry.msgstr[0]
        else:
            for index, translated in entry.msgstr.items():
                expected[(entry.msgid, index)] = translated
    compiled = {key: value for key, value in shipped._catalog.items() if key != ""}  # type: ignore[attr-defined]
    assert compiled == expected
    assert shipped.gettext("Naar de casussen") == "Go to the cases"
    assert shipped.ngettext("U beheert %(counter)s gebruiker.", "", 2) == (
        "You manage %(counter)s users."
    )


def _switch(client: Client, language: str, next_url: str = "/") -> None:
    response = client.post("/taal/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_case_manager_switches_to_english_and_back(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.case_manager)
    page = client.get("/").content.decode()
    assert '<html lang="nl">' in page
    assert "Naar de casussen" in page

    _switch(client, "en")
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Go to the cases" in page
    assert "Naar de casussen" not in page
    assert "My account" in page
    assert "Log out" in page
    assert ">Nederlands</button>" in page

    _switch(client, "nl")
    page = client.get("/").content.decode()
    assert '<html lang="nl">' in page
    assert "Naar de casussen" in page
    assert "Go to the cases" not in page
    assert ">English</button>" in page


def test_a_browser_set_to_english_gets_dutch_until_english_is_chosen(
    db: None, client: Client
) -> None:
    page = client.get("/inloggen/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="nl">' in page
    assert "Inloggen bij Samenspel" in page
    _switch(client, "en", "/inloggen/")
    page = client.get("/inloggen/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="en">' in page  # the choice is remembered, whatever the browser says


def test_login_page_in_english(db: None, client: Client) -> None:
    assert "Inloggen bij Samenspel" in client.get("/inloggen/").content.decode()
    _switch(client, "en", "/inloggen/")
    page = client.get("/inloggen/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in to Samenspel" in page
    assert "Inloggen bij Samenspel" not in page


def test_dates_and_numbers_in_dutch_format() -> None:
    with translation.override("nl"):
        assert formats.date_format(datetime.date(2026, 12, 3), "DATE_FORMAT") == "3 december 2026"
        assert (
            formats.number_format(1234567.5, decimal_pos=2, use_l10n=True, force_grouping=True)
            == "1.234.567,50"
        )


def test_audit_log_shows_times_in_dutch_short_format(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.privacy_officer)
    client.get("/logboek/")  # so the log has at least one event to show
    response = client.get("/logboek/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert re.search(r"\d{1,2}-\d{1,2}-\d{4} \d{2}:\d{2}", page)


def test_dutch_only_content_is_marked_dutch_in_the_english_interface(
    cast: Cast, client: Client
) -> None:
    from samenspel.cases import services as case_services
    from samenspel.testing import make_case

    case = make_case(cast)
    case_services.add_intervention(
        case,
        measure="I-07",
        domain="repression",
        owner=cast.municipality_a,
        goal="Een gesprek voeren.",
        by=cast.case_manager,
    )
    force_verified_login(client, cast.case_manager)
    url = f"/casussen/{case.uuid}/"
    dutch = client.get(url).content.decode()
    assert 'lang="nl">' not in dutch.split("<body", 1)[1]  # the page is Dutch as a whole
    _switch(client, "en", url)
    english = client.get(url).content.decode()
    assert '<html lang="en">' in english
    assert '<span lang="nl">Een gesprek voeren.</span>' in english
    assert english.count('<span lang="nl">') >= 3  # the plan and the course of action
