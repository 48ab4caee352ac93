"""Rules for the information on a case by its source compartment, and for care in the plan.

Every information item (note, document, summary, attachment) carries the compartment it comes
from, and the compartment says under which law it may be shared:

- police (Wpg), OM (Wjsg), municipality: the actors whose own information falls in the
  compartment, and the receivers of the flows that open it (`Framework.compartment_readers`,
  data of the framework version the case runs under: F-05 and F-06 open police information to
  the municipality and the Zorg- en Veiligheidshuis, F-08 OM information to the ZVH and the
  mayor, F-09 municipal information to the ZVH);
- AIVD (Wiv): the summary of an official report, read only by the mayor of the case's
  municipality and the officials the mayor designated (F-01), and nobody else on the case;
- care (professional secrecy): shared on the person's consent with the organisations the
  consent names, and only while it stands; or, on a recorded conflict of duties or statutory
  exception, with the receivers of the flows that open care information (F-10).

The organisation that recorded an item always reads it (except AIVD items, which only the
mayor and the designated read). Everything is on top of the case rule: nobody reads an item of
a case they do not see. Items are not changed once recorded.

The care interventions of the plan follow the same ground: whoever sees the case knows that a
care line exists (its domain and status: the plan's balance), but its details (what, by whom,
consent) reach only the organisation that owns it or put it in the plan, the organisations the
person's consent names while it stands, and, for care without consent (not voluntary), the
receivers of the flows that open care information.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from samenspel.accounts.models import OrganisationType, Role, User
from samenspel.cases.models import (
    CareBasis,
    Case,
    Compartment,
    Consent,
    InformationItem,
    Intervention,
    InterventionDomain,
)
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.typed import framework_of
from samenspel.sharing.policy import NOTHING, Action, allowed, can, rule, verb
from samenspel.sharing.rules.cases import _cases, _of_visible_case, sees_by_right
from samenspel.sharing.rules.measures import _designated_in, acting_roles, aivd_readers

# Compartments whose readers the framework's flows name; AIVD is fixed by law (Wiv).
BY_FLOWS = (Compartment.POLICE, Compartment.OM, Compartment.MUNICIPAL, Compartment.CARE)


# Per (stored versions, organisation type, roles): the compartments read on each version. The
# key holds every version's content hash, so a new or changed version is seen at once.
_READ: dict[tuple[Any, ...], tuple[tuple[int, tuple[str, ...]], ...]] = {}


def _read_by_version(user: User) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Return, per stored version, the compartments `user` reads by the framework's flows."""
    stored = tuple(
        FrameworkVersion.objects.exclude(status=VersionStatus.DRAFT)
        .order_by("pk")
        .values_list("pk", "content_sha256")
    )
    roles = frozenset(acting_roles(user))
    org_type = user.organisation.type
    key = (stored, org_type, roles)
    found = _READ.get(key)
    if found is not None:
        return found
    rows = []
    for version in FrameworkVersion.objects.filter(pk__in=[pk for pk, _sha in stored]).order_by(
        "pk"
    ):
        framework = framework_of(version)
        acting = framework.actors_of(org_type, roles)
        read = tuple(c.value for c in BY_FLOWS if acting & framework.compartment_readers(c.value))
        rows.append((version.pk, read))
    if len(_READ) > 256:
        _READ.clear()
    _READ[key] = found = tuple(rows)
    return found


def readable_compartments(user: User, prefix: str = "", by_version: Any = None) -> Q:
    """Rows (on cases, by `prefix`) whose compartment `user` reads by the framework's flows.

    The filter names the compartments per framework version: a row matches when its case runs
    under a version in which one of the actors the user acts as reads the row's compartment.
    `by_version` is `_read_by_version(user)` when the caller has it already.
    """
    q = NOTHING
    for version_pk, read in by_version or _read_by_version(user):
        if read:
            q |= Q(**{f"{prefix}case__framework_version_id": version_pk}) & Q(
                **{f"{prefix}compartment__in": list(read)}
            )
    return q


def _care_readers(user: User, by_version: Any = None) -> Q:
    """Care rows readable without consent: the flow receivers of care, on each version."""
    by_version = by_version or _read_by_version(user)
    versions = [pk for pk, read in by_version if Compartment.CARE.value in read]
    return Q(case__framework_version_id__in=versions) if versions else NOTHING


def consent_shared_with(user: User) -> QuerySet[Any]:
    """The interventions whose standing consent names the user's organisation."""
    through = Intervention.consent_shared_with.through
    return through.objects.filter(
        organisation_id=user.organisation_id, intervention__consent=Consent.GIVEN
    ).values("intervention_id")


@rule("cases.informationitem")
def _items(user: User, action: Action) -> Q:
    if action is not Action.VIEW:
        return NOTHING  # recorded by the services, never changed
    own = Q(organisation_id=user.organisation_id) & ~Q(compartment=Compartment.AIVD)
    by_version = _read_by_version(user)  # one query for both filters below
    by_flows = readable_compartments(user, by_version=by_version) & Q(
        compartment__in=[Compartment.POLICE, Compartment.OM, Compartment.MUNICIPAL]
    )
    aivd = Q(compartment=Compartment.AIVD) & aivd_readers(user)
    care = Q(compartment=Compartment.CARE) & (
        (Q(care_basis=CareBasis.CONSENT) & Q(consent_of__in=consent_shared_with(user)))
        | (
            Q(care_basis__in=[CareBasis.CONFLICT_OF_DUTIES, CareBasis.STATUTORY])
            & _care_readers(user, by_version)
        )
    )
    visible_cases = Case.objects.filter(_cases(user, Action.VIEW)).values("pk")
    return Q(case__in=visible_cases) & (own | by_flows | aivd | care)


def care_line_readers(user: User) -> Q:
    """Care interventions whose details `user` reads (see the module docstring)."""
    org = user.organisation_id
    return (
        Q(owner_id=org)
        | Q(created_by__organisation_id=org)
        | Q(pk__in=consent_shared_with(user))
        | (Q(voluntary=False) & _care_readers(user))
    )


@rule("cases.intervention")
def _plan(user: User, action: Action) -> Q:
    # The plan: named (domain and status, the balance) to whoever sees the case, read in
    # detail and changed by whoever may, care lines only by their readers.
    plan = _of_visible_case(user, action)
    if action is Action.NAME or plan is NOTHING:
        return plan
    return plan & (~Q(domain=InterventionDomain.CARE) | care_line_readers(user))


def reads_aivd(user: User, case: Case) -> bool:
    """Tell whether `user` reads the AIVD summaries of `case`: its mayor, or designated."""
    if user.organisation.type != OrganisationType.MUNICIPALITY:
        return False
    if user.has_role(Role.MAYOR):
        return user.organisation_id == case.municipality_id
    return _designated_in(user).filter(municipality_id=case.municipality_id).exists()


# --- Verbs ---------------------------------------------------------------------------------


def recordable_compartments(user: User, case: Case) -> list[str]:
    """Return the compartments `user` may record information in on `case`.

    Only what the user may read afterwards: the compartments the user reads by the flows, care
    for an organisation of care (A-ZORG) or a reader of care, and AIVD for the mayor and the
    designated officials.
    """
    if not allowed(user, "case.record_information", on=case):
        return []
    framework = framework_of(case.framework_version)
    acting = framework.actors_of(user.organisation.type, acting_roles(user))
    found = [c.value for c in BY_FLOWS if acting & framework.compartment_readers(c.value)]
    if reads_aivd(user, case):
        found.append(Compartment.AIVD.value)
    return [c.value for c in Compartment if c.value in found]


@verb("case.record_information")
def _record(user: User, on: Case, within: Any) -> bool:
    # Who works on the case records information on it; a break-the-glass reader does not.
    return sees_by_right(user, on) and bool(acting_roles(user))


@verb("information.view")
def _view(user: User, on: InformationItem, within: Any) -> bool:
    return can(user, Action.VIEW, on)
