"""The course of action (handelingsperspectief): what an organisation can, must and must not do.

A pure function over a typed framework, so it can be tested for every stage,
phase and organisation type without a database, and shown on every case page later. Its
sentences are in the active language (gettext); the names and texts from the framework file
stay as the file has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from samenspel.frameworks.types import Framework

# What an actor does in a stage, by RACI letter: after its name ("Burgemeester voert uit") and
# on its own, after a colon ("Politie: voert uit").
RACI_SENTENCES: dict[str, Promise] = {
    # Translators: %(actor)s is the name of an actor in the framework, e.g. "Burgemeester".
    "R": gettext_lazy("%(actor)s voert uit"),
    "A": gettext_lazy("%(actor)s is eindverantwoordelijk en beslist"),
    "C": gettext_lazy("%(actor)s wordt geraadpleegd"),
    "I": gettext_lazy("%(actor)s wordt geïnformeerd"),
}
RACI_WORDS: dict[str, Promise] = {
    "R": gettext_lazy("voert uit"),
    "A": gettext_lazy("is eindverantwoordelijk en beslist"),
    "C": gettext_lazy("wordt geraadpleegd"),
    "I": gettext_lazy("wordt geïnformeerd"),
}


@dataclass(frozen=True)
class Item:
    """One line of a course of action, with where it comes from."""

    text: str
    ref: str = ""  # the framework row it comes from, e.g. "measures/I-17"
    legal_basis: str = ""
    uncertain: bool = False


@dataclass
class CourseOfAction:
    """What one organisation type can, must and must not do in one stage or phase."""

    organisation_type: str
    scope: str  # a stage or phase id
    scope_name: str
    actors: list[str] = field(default_factory=list)  # the framework actors of this type
    must_do: list[Item] = field(default_factory=list)
    can_do: list[Item] = field(default_factory=list)
    must_not_do: list[Item] = field(default_factory=list)
    involve: list[Item] = field(default_factory=list)  # whom to involve or consult
    acute: list[Item] = field(default_factory=list)
    non_acute: list[Item] = field(default_factory=list)
    next_steps: list[Item] = field(default_factory=list)


def _names(ids: tuple[str, ...], framework: Framework) -> str:
    return ", ".join(framework.actors[i].name for i in ids if i in framework.actors)


def _and(words: list[str]) -> str:
    """Join words with "en": "voert uit en wordt geraadpleegd"."""
    text = words[0]
    for word in words[1:]:
        # Translators: joins two roles of one actor, e.g. "voert uit en wordt geraadpleegd".
        text = _("%(first)s en %(second)s") % {"first": text, "second": word}
    return text


def course_of_action(framework: Framework, *, scope: str, organisation_type: str) -> CourseOfAction:
    """Return the course of action for `organisation_type` in stage or phase `scope`."""
    scope_row = framework.scope(scope)  # a KeyError for an unknown stage or phase
    is_stage = scope in framework.stages
    mine = [a.id for a in framework.actors if a.organisation_type == organisation_type]
    result = CourseOfAction(
        organisation_type=organisation_type, scope=scope, scope_name=scope_row.name, actors=mine
    )

    # RACI: what this organisation's actors do in the stage, and whom they work with.
    if is_stage:
        for cell in framework.raci_of(scope):
            letters = [x for x in cell.letters if x in RACI_WORDS]
            actor = framework.actors.get(cell.actor)
            name = actor.name if actor is not None else cell.actor
            note = f" ({cell.note})" if cell.note else ""
            ref = f"raci/{cell.stage}/{cell.actor}"
            if cell.actor in mine:
                for letter in letters:
                    item = Item(
                        str(RACI_SENTENCES[letter]) % {"actor": name} + note,
                        ref=ref,
                        uncertain=cell.uncertain,
                    )
                    (result.must_do if letter in ("R", "A") else result.involve).append(item)
            elif letters and any(x in ("R", "A", "C") for x in letters):
                words = _and([str(RACI_WORDS[x]) for x in letters])
                result.involve.append(
                    Item(
                        # Translators: an actor and its roles, e.g. "Politie: voert uit".
                        _("%(actor)s: %(roles)s") % {"actor": name, "roles": words} + note,
                        ref=ref,
                        uncertain=cell.uncertain,
                    )
                )

    # Measures that apply here: what this organisation decides or carries out, what it may not.
    for measure in framework.measures:
        if not measure.applies_in(scope):
            continue
        basis = measure.legal_basis.cited
        ref = f"measures/{measure.id}"
        uncertain = measure.uncertain
        names = {"measure": measure.name, "deciders": _names(measure.deciders, framework)}
        if any(a in mine for a in measure.deciders):
            if measure.flags.verify_duty:
                text = (
                    _(
                        "Besluiten over: %(measure)s (ga eerst zelf na of de informatie klopt en "
                        "actueel is: vergewisplicht)"
                    )
                    % names
                )
            else:
                # Translators: %(measure)s is the name of a measure in the framework.
                text = _("Besluiten over: %(measure)s") % names
            result.can_do.append(Item(text, ref=ref, legal_basis=basis, uncertain=uncertain))
        elif any(a in mine for a in measure.executors):
            result.can_do.append(
                Item(
                    # Translators: %(deciders)s names the actors who decide, e.g. "Minister".
                    _("Uitvoeren: %(measure)s (besluit: %(deciders)s)") % names,
                    ref=ref,
                    legal_basis=basis,
                    uncertain=uncertain,
                )
            )
        elif mine:
            result.must_not_do.append(
                Item(
                    _("Niet zelf besluiten over: %(measure)s. Dat doet %(deciders)s.") % names,
                    ref=ref,
                    legal_basis=basis,
                    uncertain=uncertain,
                )
            )
        if measure.flags.consult_mayor and organisation_type == "municipality":
            result.involve.append(
                Item(
                    _("%(measure)s: de burgemeester wordt vooraf geraadpleegd.") % names,
                    ref=ref,
                    legal_basis=basis,
                    uncertain=uncertain,
                )
            )

    # What these actors never do.
    for actor_id in mine:
        actor = framework.actors[actor_id]
        for text in actor.does_not:
            result.must_not_do.append(
                Item(text, ref=f"actors/{actor_id}", uncertain=actor.uncertain)
            )

    # Where to go, acute and non-acute.
    for route in framework.routes:
        item = Item(
            f"{route.situation}: {route.route} ({route.contact})",
            ref=f"routes/{route.id}",
            uncertain=route.uncertain,
        )
        (result.acute if route.is_acute else result.non_acute).append(item)

    # Where the case can go next.
    for transition in framework.transitions_from(scope):
        target = framework.stages.get(transition.to_id) or framework.phases.get(transition.to_id)
        result.next_steps.append(
            Item(
                # Translators: %(target)s is a stage or phase, %(criteria)s when to go there.
                _("Naar %(target)s: %(criteria)s")
                % {
                    "target": target.name if target is not None else transition.to_id,
                    "criteria": transition.criteria,
                },
                ref=f"transitions/{transition.key}",
                uncertain=transition.uncertain,
            )
        )
    return result
