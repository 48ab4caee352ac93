"""What every framework page shares: the version shown, its rows, links and labels."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenspel.accounts.models import OrganisationType, User
from samenspel.frameworks import content, selectors
from samenspel.frameworks.course import CourseOfAction, Item, course_of_action
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.schema import NO_ROLE, ORGANISATION_TYPES
from samenspel.frameworks.types import Term
from samenspel.lib.forms import UtrechtForm
from samenspel.sharing.policy import Denied

SECTION_TITLES: dict[str, Promise] = {
    "framework": gettext_lazy("Kader"),
    "sources": gettext_lazy("Bronnen"),
    "actors": gettext_lazy("Actoren"),
    "stages": gettext_lazy("Processtappen"),
    "phases": gettext_lazy("Fasen van radicalisering"),
    "tracks": gettext_lazy("Sporen"),
    "transitions": gettext_lazy("Overgangen"),
    "legal_domains": gettext_lazy("Rechtsdomeinen"),
    "measures": gettext_lazy("Maatregelen"),
    "raci": gettext_lazy("Wie doet wat (RACI)"),
    "flows": gettext_lazy("Informatiestromen"),
    "routes": gettext_lazy("Waar kan ik terecht?"),
    "retention": gettext_lazy("Bewaartermijnen"),
}

DOMAIN_LABELS: dict[str, Promise] = {
    "prevention": gettext_lazy("preventie"),
    "care": gettext_lazy("zorg"),
    "repression": gettext_lazy("repressie"),
}

FLAG_TEXTS: dict[str, Promise] = {
    "consult_mayor": gettext_lazy("De burgemeester wordt vooraf geraadpleegd."),
    "trust_tension": gettext_lazy(
        "Let op: deze maatregel kan het vertrouwen van de persoon in zorg en begeleiding "
        "schaden. Weeg dat mee en overleg met de zorgpartners."
    ),
    "voluntary": gettext_lazy("Vrijwillig: de persoon doet alleen mee als hij of zij dat wil."),
    "relies_on_aivd": gettext_lazy("Dit besluit rust vaak op een ambtsbericht van de AIVD."),
    "verify_duty": gettext_lazy(
        "Vergewisplicht: ga voor het besluit zelf na of de informatie klopt en actueel is."
    ),
}

RACI_LETTERS: tuple[tuple[str, Promise, Promise], ...] = (
    ("R", gettext_lazy("voert uit"), gettext_lazy("Doet het werk (Responsible).")),
    (
        "A",
        gettext_lazy("eindverantwoordelijk"),
        gettext_lazy("Beslist en legt verantwoording af (Accountable)."),
    ),
    ("C", gettext_lazy("wordt geraadpleegd"), gettext_lazy("Denkt vooraf mee (Consulted).")),
    ("I", gettext_lazy("wordt geïnformeerd"), gettext_lazy("Hoort het achteraf (Informed).")),
)

RACI_WORDS = {letter: word for letter, word, _explanation in RACI_LETTERS}

EMPTY = "\u2013"  # an en dash: shown for an empty value


def not_found(section: str, key: str) -> Denied:
    """Return the 404 for an id this version does not hold."""
    return Denied(f"frameworks.{section}", key[:64], exists=False)


def organisation_type_label(value: str) -> str:
    """Return the Dutch name of an organisation type ("police" -> "Politie-eenheid")."""
    try:
        return str(OrganisationType(value).label)
    except ValueError:
        return value


@dataclass
class Frame:
    """The version a page shows and its validated document."""

    version: FrameworkVersion
    chosen: bool  # picked with ?versie= rather than the version in force
    is_current: bool
    _rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict, repr=False)

    @property
    def doc(self) -> dict[str, Any]:
        return selectors.document_of(self.version)

    @property
    def query(self) -> str:
        """The query string that keeps links on this version."""
        return f"?versie={self.version.uuid}" if self.chosen else ""

    def rows(self, section: str) -> list[dict[str, Any]]:
        """Return the rows of a section in file order, each with its `uncertain` mark."""
        if section not in self._rows:
            self._rows[section] = [marked(row) for row in self.doc.get(section) or []]
        return self._rows[section]

    def index(self, section: str) -> dict[str, dict[str, Any]]:
        """Return the rows of a section by id."""
        return {row["id"]: row for row in self.rows(section)}

    def ordered(self, section: str) -> list[dict[str, Any]]:
        """Return stages or phases by their order number."""
        return sorted(self.rows(section), key=lambda row: row.get("order", 0))


def marked(row: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a row with its uncertainty, for the templates."""
    return {**row, "uncertain": content.is_uncertain(row)}


def get_frame(request: HttpRequest, me: User) -> Frame | None:
    """Return the version asked for with ?versie=, or the version in force (None if none)."""
    raw = request.GET.get("versie", "").strip()
    current = selectors.current_version(me)
    if not raw:
        return Frame(current, chosen=False, is_current=True) if current else None
    try:
        wanted = uuid.UUID(raw)
    except ValueError:
        raise not_found("frameworkversion", raw) from None
    version = selectors.get_version_for(me, wanted)
    is_current = current is not None and current.pk == version.pk
    return Frame(version, chosen=not is_current, is_current=is_current)


def require_frame(request: HttpRequest, me: User, section: str, key: str) -> Frame:
    """Return the version shown, or a 404 for `key` when no version is in force."""
    frame = get_frame(request, me)
    if frame is None:
        raise not_found(section, key)
    return frame


def render_page(
    request: HttpRequest, template: str, frame: Frame, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a framework page with the version it shows."""
    return render(
        request,
        template,
        {"frame": frame, "version": frame.version, "vq": frame.query, **context},
        status=status,
    )


def render_empty(request: HttpRequest) -> HttpResponse:
    """Say that no framework is in force yet (and where to go in an emergency)."""
    return render(request, "frameworks/empty.html", {})


def refs(ids: Iterable[str], index: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Resolve ids to {id, name, uncertain}, keeping unknown ids visible."""
    out = []
    for ref in ids or []:
        row = index.get(ref)
        out.append(
            {
                "id": ref,
                "name": row.get("name", ref) if row else ref,
                "uncertain": bool(row and row["uncertain"]),
                "known": row is not None,
            }
        )
    return out


def term_text(term: Any) -> str:
    """Write a term such as {value: 6, unit: months} in words: "6 maanden"."""
    if not isinstance(term, dict) or not isinstance(term.get("value"), int):
        return ""
    return Term(value=term["value"], unit=str(term.get("unit"))).words()


def row_url(section: str, key: str, query: str = "") -> str:
    """Return the page (and anchor) that shows one row."""
    if section == "actors":
        return reverse("frameworks:actor_detail", args=[key]) + query
    if section in ("stages", "phases"):
        return reverse("frameworks:scope_detail", args=[key]) + query
    if section == "transitions":
        return reverse("frameworks:scope_detail", args=[key.split(">")[0]]) + query
    if section == "legal_domains":
        return reverse("frameworks:domain_detail", args=[key]) + query
    if section == "measures":
        return reverse("frameworks:measure_detail", args=[key]) + query
    if section == "raci":
        stage, _slash, actor = key.partition("/")
        return reverse("frameworks:raci_cell", args=[stage, actor]) + query
    anchors = {
        "sources": "frameworks:source_list",
        "tracks": "frameworks:scope_list",
        "flows": "frameworks:flow_list",
        "routes": "frameworks:routing",
        "retention": "frameworks:retention_list",
    }
    if section in anchors:
        return f"{reverse(anchors[section])}{query}#r-{key}"
    return reverse("frameworks:overview") + query


def item_out(item: Item, query: str) -> dict[str, Any]:
    """Return a course-of-action line for the templates, with a link to its row."""
    section, _slash, key = item.ref.partition("/")
    return {
        "text": item.text,
        "legal_basis": item.legal_basis,
        "uncertain": item.uncertain,
        "url": row_url(section, key, query) if item.ref else "",
    }


def measure_summary(measure: dict[str, Any], frame: Frame) -> dict[str, Any]:
    """Return what a table of measures shows about one measure."""
    basis = measure["legal_basis"]
    return {
        "id": measure["id"],
        "name": measure["name"],
        "legal_basis": basis.get("reference") or basis["text"],
        "uncertain": measure["uncertain"],
        "domains": [DOMAIN_LABELS.get(d, d) for d in measure.get("domains") or []],
        "decision": measure["decision_role"]["text"],
        "legal_domain": refs([measure["legal_domain"]], frame.index("legal_domains"))[0],
    }


def flow_out(flow: dict[str, Any], actors: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return an information flow with its senders and receivers resolved."""
    return {**flow, "senders": refs(flow["from"], actors), "receivers": refs(flow["to"], actors)}


class OrganisationTypeForm(UtrechtForm):
    organisatie = forms.ChoiceField(label=gettext_lazy("Soort organisatie"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["organisatie"])
        field.choices = [(t, organisation_type_label(t)) for t in ORGANISATION_TYPES]


def organisation_type_for(request: HttpRequest, me: User) -> tuple[str, OrganisationTypeForm]:
    """Return the organisation type asked for (the user's own by default) and its form."""
    chosen = request.GET.get("organisatie", "")
    if chosen not in ORGANISATION_TYPES:
        chosen = me.organisation.type
    return chosen, OrganisationTypeForm(initial={"organisatie": chosen})


def course_context(frame: Frame, scope: str, organisation_type: str) -> dict[str, Any]:
    """Return the course of action for the templates, or a 404 for an unknown scope."""
    try:
        course: CourseOfAction = course_of_action(
            selectors.framework_of(frame.version), scope=scope, organisation_type=organisation_type
        )
    except KeyError:
        raise not_found("stages", scope) from None
    q = frame.query
    actors = frame.index("actors")
    return {
        "scope": course.scope,
        "scope_name": course.scope_name,
        "organisation_type": organisation_type,
        "organisation_type_label": organisation_type_label(organisation_type),
        "actors": refs(course.actors, actors),
        "must_do": [item_out(i, q) for i in course.must_do],
        "can_do": [item_out(i, q) for i in course.can_do],
        "must_not_do": [item_out(i, q) for i in course.must_not_do],
        "involve": [item_out(i, q) for i in course.involve],
        "acute": [item_out(i, q) for i in emergency_first(course.acute)],
        "non_acute": [item_out(i, q) for i in course.non_acute],
        "next_steps": [item_out(i, q) for i in course.next_steps],
    }


def raci_role(cell: dict[str, Any] | None) -> dict[str, Any]:
    """Return one RACI cell for the templates: its letters, their words, note and mark."""
    value = cell["value"] if cell else NO_ROLE
    letters = [x for x in value.split("/") if x in RACI_WORDS]
    return {
        "value": value if letters else NO_ROLE,
        "letters": [(x, RACI_WORDS[x]) for x in letters],
        "words": ", ".join(str(RACI_WORDS[x]) for x in letters) or _("geen rol"),
        "has_role": bool(letters),
        "uncertain": bool(cell and cell["uncertain"]),
        "note": cell.get("note", "") if cell else "",
        "src": cell.get("src", []) if cell else [],
    }


def emergency_first(items: list[Item]) -> list[Item]:
    """Put the emergency number (112) first among acute routes."""
    return sorted(items, key=lambda item: "112" not in item.text)
