"""The lines of an agenda, ready to print.

A meeting's agenda can be long (a series with hundreds of open cases proposes them all), so a
line is written here in Python, once, with `format_html`: every value escaped, its fixed words
translated once per page. Rendering the same line in a template cost about 0.4 ms a line
(docs/benchmarks.md, "Case consultations"). The item forms, one item at a time, stay in the
template (`consultations/_item.html`), around this line.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samenspel.consultations.models import ItemStatus, MeetingStatus
from samenspel.consultations.selectors import AgendaRow

_ZERO = uuid.UUID(int=0)


@dataclass
class Entry:
    """One agenda line: the row, its forms (only for the item being edited) and its HTML."""

    row: AgendaRow
    forms: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    edit_url: str = ""
    head: SafeString = field(default_factory=lambda: mark_safe(""))


def labels() -> dict[str, str]:
    """Return the fixed words of an agenda line, translated once per page."""
    return {
        "not_for_you": _("niet voor u"),
        "removed": _("Van de agenda gehaald:"),
        "proposal": _("voorstel"),
        "invited": _("Uitgenodigd:"),
        "minutes": _("Verslag:"),
        "by": _("door"),
        "action": _("Actie"),
        "until": _("uiterlijk"),
        "up": _("Omhoog"),
        "down": _("Omlaag"),
        "remove": _("Van de agenda halen"),
        "invite": _("Partner uitnodigen"),
        "record": _("Verslag, besluit of actie vastleggen"),
    }


def entries(
    rows: list[AgendaRow],
    forms: dict[uuid.UUID, dict[str, Any]],
    *,
    words: dict[str, str] | None = None,
    runs: bool = False,
    status: str = "",
    saved: str = "",
) -> list[Entry]:
    """Return the agenda lines: a hidden line says only its number and "niet voor u"."""
    words = words or labels()
    item_base = reverse("consultations:item", kwargs={"item_uuid": _ZERO})
    edit_base = reverse("consultations:item_edit", kwargs={"item_uuid": _ZERO})
    zero = str(_ZERO)
    lines = []
    for row in rows:
        entry = Entry(row=row, forms=forms.get(row.uuid, {}))
        entry.title = _("Casus %(n)d") % {"n": row.number}
        if row.item is None:
            entry.head = format_html(
                '<h3 class="utrecht-heading-3">{} <span class="cs-muted">({})</span></h3>',
                entry.title,
                words["not_for_you"],
            )
        else:
            key = str(row.uuid)
            entry.edit_url = edit_base.replace(zero, key)
            entry.head = _line(
                entry,
                words,
                item_url=item_base.replace(zero, key),
                tools=runs and row.status != ItemStatus.REMOVED,
                status=status,
                saved=saved,
            )
        lines.append(entry)
    return lines


def _line(
    entry: Entry,
    words: dict[str, str],
    *,
    item_url: str,
    tools: bool,
    status: str,
    saved: str,
) -> SafeString:
    """Write one shown agenda line. Every value goes through `esc`; the markup is fixed."""
    row = entry.row
    item = row.item
    assert item is not None  # noqa: S101 - only shown rows come here
    case = item.case
    title = words["removed"] if row.status == ItemStatus.REMOVED else f"{entry.title}:"
    parts = [
        f'<h3 class="utrecht-heading-3">{esc(title)} <a class="utrecht-link '
        f'utrecht-link--html-a" href="{esc(item_url)}">{esc(case.person.full_name)}</a> '
        f'<span class="cs-muted">({esc(case.reference)}, {esc(case.municipality.name)})'
        "</span></h3>"
    ]
    if saved:
        parts.append(f'<p class="utrecht-paragraph cs-saved" role="status">{esc(saved)}</p>')
    note = f": {esc(item.note)}" if item.note else ""
    proposal = (
        f' <span class="cs-muted">({esc(words["proposal"])})</span>'
        if item.status == ItemStatus.PROPOSED
        else ""
    )
    reason = capfirst(str(item.get_reason_display()))
    parts.append(f'<p class="utrecht-paragraph">{esc(reason)}{note}.{proposal}</p>')
    if row.invitations:
        invited = "; ".join(
            f"{esc(i.organisation.name)} ({esc(i.reason)})" for i in row.invitations
        )
        parts.append(f'<p class="utrecht-paragraph">{esc(words["invited"])} {invited}</p>')
    if row.note is not None:
        summary = row.note.summary or "\u2013"  # an en dash: nothing written
        parts.append(
            f'<p class="utrecht-paragraph"><strong>{esc(words["minutes"])}</strong> '
            f"{esc(summary)}</p>"
        )
    if row.decisions:
        by = f", {words['by']}"
        lines = "".join(
            '<li class="utrecht-unordered-list__item">'
            f"<strong>{esc(capfirst(str(d.get_kind_display())))}</strong>"
            f"{esc(f' ({d.measure})') if d.measure else ''}"
            f"{esc(by + ' ' + d.decided_by.name) if d.decided_by else ''}"
            f": {esc(d.text)}</li>"
            for d in row.decisions
        )
        parts.append(f'<ul class="utrecht-unordered-list">{lines}</ul>')
    if row.open_actions:
        counts = ngettext("%(n)d open actie", "%(n)d open acties", row.open_actions) % {
            "n": row.open_actions
        }
        if row.overdue_actions:
            counts += ", " + _("%(n)d over de termijn") % {"n": row.overdue_actions}
        parts.append(f'<p class="utrecht-paragraph">{esc(counts)}.</p>')
    if row.actions:
        lines = "".join(
            '<li class="utrecht-unordered-list__item">'
            f"{esc(words['action'])}: {esc(a.description)} \u2014 {esc(a.owner.full_name)} "
            f"({esc(a.owner_organisation.name)}), {esc(words['until'])} "
            f"{esc(date_format(a.deadline, 'j F Y'))} [{esc(a.get_status_display())}]</li>"
            for a in row.actions
        )
        parts.append(f'<ul class="utrecht-unordered-list">{lines}</ul>')
    if tools and status == MeetingStatus.PLANNED:
        buttons = "".join(
            '<button class="utrecht-button utrecht-button--subtle" type="submit" '
            f'form="agenda-tools" name="{name}" value="{row.uuid}">{esc(words[name])}'
            f'<span class="ss-visually-hidden"> {esc(entry.title)}</span></button>'
            for name in ("up", "down", "remove")
        )
        parts.append(f'<div class="utrecht-button-group cs-item__tools">{buttons}</div>')
    if tools and not entry.forms and status in (MeetingStatus.PLANNED, MeetingStatus.HELD):
        label = words["invite"] if status == MeetingStatus.PLANNED else words["record"]
        url = esc(entry.edit_url)
        parts.append(
            f'<p class="utrecht-paragraph"><a class="utrecht-link utrecht-link--html-a" '
            f'href="{url}" hx-get="{url}" hx-target="#item-{row.uuid}" hx-swap="outerHTML">'
            f'{esc(label)}<span class="ss-visually-hidden"> {esc(entry.title)}</span></a></p>'
        )
    # Every value above went through esc(); the rest is this function's own fixed markup.
    return mark_safe("\n".join(parts))  # noqa: S308


def esc(value: object) -> str:
    """Escape a value for HTML text or a quoted attribute (as Django's escape does)."""
    return html.escape(str(value), quote=True)
