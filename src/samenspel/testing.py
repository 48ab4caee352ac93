"""Personas and builders shared by the tests. Builders call services, so audit rows exist."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenspel.accounts import services
from samenspel.accounts.models import Organisation, OrganisationType, Role, User

if TYPE_CHECKING:
    from samenspel.cases.models import Case
    from samenspel.consultations.models import ActionItem, AgendaItem, Meeting, Series
    from samenspel.frameworks.models import FrameworkVersion
    from samenspel.intake.models import Signal
    from samenspel.intake.services import SignalInput

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_organisation(
    name: str | None = None,
    *,
    type: OrganisationType = OrganisationType.MUNICIPALITY,
    region: str = "Rijnmond",
    is_priority: bool = False,
    is_operator: bool = False,
) -> Organisation:
    """Create an organisation directly: there is no national administrator yet to do it."""
    return Organisation.objects.create(
        name=name or f"Organisatie {next(_counter)}",
        type=type,
        region=region,
        is_priority=is_priority,
        is_operator=is_operator,
    )


def make_user(
    organisation: Organisation,
    *roles: Role,
    username: str | None = None,
    full_name: str | None = None,
    with_totp: bool = True,
    by: User | None = None,
) -> User:
    """Create a user through the service, with a confirmed TOTP device unless told otherwise."""
    n = next(_counter)
    user = services.create_user(
        organisation=organisation,
        username=username or f"user{n}",
        full_name=full_name or f"Gebruiker {n}",
        roles=[r.value for r in roles],
        password=PASSWORD,
        by=by,
    )
    if with_totp:
        TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    return user


def current_code(user: User, *, offset_steps: int = 0) -> str:
    """Return the TOTP code a user's app would show now (or `offset_steps` steps later)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in(client: Client, user: User, *, password: str = PASSWORD) -> None:
    """Log in through the real pages: password, then the TOTP code."""
    response = client.post("/inloggen/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:500]
    response = client.post("/inloggen/code/", {"token": current_code(user)})
    assert response.status_code == 302, response.content[:500]


@dataclass
class Cast:
    """The personas of the style guide, in two municipalities and their partners."""

    municipality_a: Organisation
    municipality_b: Organisation
    police: Organisation
    om: Organisation
    nctv: Organisation
    care: Organisation
    case_manager: User  # case director of municipality A
    adviser: User  # security adviser of municipality A
    mayor: User  # mayor of municipality A
    admin_a: User  # functional administrator of municipality A
    privacy_officer: User  # FG of municipality A (the operator)
    police_officer: User
    prosecutor: User
    care_worker: User
    nctv_adviser: User
    national_admin: User
    outsider: User  # case director of municipality B
    admin_b: User


def make_cast() -> Cast:
    """Create the standard personas."""
    a = make_organisation("Gemeente A", is_priority=True, is_operator=True)
    b = make_organisation("Gemeente B")
    police = make_organisation("Politie Eenheid", type=OrganisationType.POLICE)
    om = make_organisation("Parket", type=OrganisationType.OM)
    nctv = make_organisation("NCTV", type=OrganisationType.NCTV, region="")
    care = make_organisation("GGZ", type=OrganisationType.CARE_PARTNER)
    return Cast(
        municipality_a=a,
        municipality_b=b,
        police=police,
        om=om,
        nctv=nctv,
        care=care,
        case_manager=make_user(
            a, Role.CASE_DIRECTOR, username="casemanager", full_name="Carla Casus"
        ),
        adviser=make_user(a, Role.SECURITY_ADVISER, username="adviser", full_name="Adam Advies"),
        mayor=make_user(a, Role.MAYOR, username="mayor", full_name="Marga Burgemeester"),
        admin_a=make_user(a, Role.FUNCTIONAL_ADMIN, username="admin.a", full_name="Anton Beheer"),
        privacy_officer=make_user(a, Role.PRIVACY_OFFICER, username="fg.a", full_name="Fenna FG"),
        police_officer=make_user(
            police, Role.PARTNER_LIAISON, username="police", full_name="Paul Politie"
        ),
        prosecutor=make_user(
            om, Role.PARTNER_LIAISON, username="prosecutor", full_name="Olaf Officier"
        ),
        care_worker=make_user(care, Role.PARTNER_LIAISON, username="care", full_name="Zeynep Zorg"),
        nctv_adviser=make_user(nctv, Role.PARTNER_LIAISON, username="nctv", full_name="Nadia NCTV"),
        national_admin=make_user(
            nctv, Role.NATIONAL_ADMIN, username="national", full_name="Lotte Landelijk"
        ),
        outsider=make_user(b, Role.CASE_DIRECTOR, username="outsider", full_name="Bob Buiten"),
        admin_b=make_user(b, Role.FUNCTIONAL_ADMIN, username="admin.b", full_name="Berta Beheer"),
    )


def force_verified_login(client: Client, user: User) -> None:
    """Log a user in with a verified second factor, skipping the login pages (fast)."""
    import time as _time

    from django_otp import DEVICE_ID_SESSION_KEY

    from samenspel.web.middleware import LOGIN_AT

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client.force_login(user, backend="samenspel.accounts.backends.PasswordBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[LOGIN_AT] = _time.time()
    session.save()


# --- Frameworks, signals and cases ------------------------------------------------------------


def publish_framework(by: User, text: str | None = None) -> FrameworkVersion:
    """Load and publish a framework (the shipped Dutch one by default) as `by`."""
    from samenspel.frameworks import services as framework_services
    from samenspel.frameworks.shipped import shipped_text

    source = text if text is not None else shipped_text()
    version = framework_services.load_version(source, source_name="test", by=by)
    return framework_services.publish_version(version, by=by)


def signal_input(municipality: Organisation, **overrides: Any) -> SignalInput:
    """Return valid signal data about a made-up person, with `overrides` applied."""
    import datetime as dt

    from samenspel.intake.services import SignalInput

    values: dict[str, Any] = {
        "municipality": municipality,
        "observed_on": dt.date(2026, 11, 1),
        "observation": "Deelt filmpjes die geweld verheerlijken in een groepsapp.",
        "concern": "Lijkt snel te radicaliseren; trekt zich terug van school.",
        "is_acute": False,
        "family_name": "Amrani",
        "given_names": "Mohamed",
        "birth_date": dt.date(2005, 3, 14),
        "bsn": "",
        "address": "Dorpsstraat 1",
    }
    values.update(overrides)
    return SignalInput(**values)


def make_signal(
    reporter: User, municipality: Organisation, *, key: str | None = None, **overrides: Any
) -> Signal:
    """Submit a signal through the service."""
    from samenspel.intake import services as intake

    return intake.submit_signal(
        signal_input(municipality, **overrides),
        idempotency_key=key or f"test-{next(_counter)}",
        by=reporter,
    )


def make_case(
    cast: Cast,
    *,
    municipality: Organisation | None = None,
    case_director: User | None = None,
    phase: str = "PH-1",
    team: tuple[User, ...] = (),
    family_name: str | None = None,
) -> Case:
    """Open a case through triage: a police signal, included by the case director."""
    from samenspel.frameworks.models import FrameworkVersion, VersionStatus
    from samenspel.intake import services as intake

    if not FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED).exists():
        publish_framework(cast.national_admin)
    municipality = municipality or cast.municipality_a
    director = case_director or cast.case_manager
    overrides = {"family_name": family_name} if family_name else {}
    signal = make_signal(cast.police_officer, municipality, **overrides)
    signal = intake.triage(
        signal,
        intake.TriageDecision(
            outcome="include",
            reason="Voldoet aan de criteria.",
            criteria="Criteria weegploeg 2026",
            create_person=True,
            case_director=director,
            phase=phase,
        ),
        expected_version=signal.version,
        by=director,
    )
    assert signal.case is not None
    from samenspel.cases import services as case_services

    for member in team:
        case_services.add_member(signal.case, user=member, by=director)
    return signal.case


# --- Case consultations ----------------------------------------------------------------------


def make_series(cast: Cast, *, name: str = "Casusoverleg PGA") -> Series:
    """Set up a series of municipality A chaired by its case director, with police and OM."""
    from samenspel.consultations import services as consultations

    series = consultations.create_series(
        owner=cast.municipality_a,
        name=name,
        chair=cast.case_manager,
        secretary=cast.adviser,
        by=cast.case_manager,
    )
    consultations.add_partner(
        series,
        organisation=cast.police,
        kind="core",
        flow="F-05",
        legal_ground="Art. 18 lid 2 Wpg (machtigingsbesluit 10-07-2017).",
        by=cast.case_manager,
    )
    consultations.add_partner(
        series,
        organisation=cast.om,
        kind="core",
        flow="F-08",
        legal_ground="Wjsg; Wet PGA.",
        by=cast.case_manager,
    )
    consultations.add_partner(
        series,
        organisation=cast.care,
        kind="case",
        flow="F-10",
        legal_ground="Toestemming of conflict van plichten.",
        by=cast.case_manager,
    )
    return series


def make_meeting(series: Series, *, by: User, days_ahead: int = 7) -> Meeting:
    """Plan a meeting of `series` some days ahead, in the town hall."""
    import datetime as dt

    from django.utils import timezone

    from samenspel.consultations import services as consultations

    return consultations.plan_meeting(
        series,
        starts_at=timezone.now() + dt.timedelta(days=days_ahead),
        place="Stadhuis, zaal 3",
        by=by,
    )


def make_minuted_meeting(cast: Cast, *, invite: Organisation | None = None) -> Meeting:
    """Hold a meeting of a new series on one case (partner `invite` asked for it, the OM by
    default), with its draft minutes: a note, an advice on I-07 and an action."""
    import datetime as dt

    from django.utils import timezone

    from samenspel.consultations import services as consultations
    from samenspel.consultations.models import Meeting

    series = make_series(cast, name=f"Casusoverleg {next(_counter)}")
    meeting = make_meeting(series, by=cast.case_manager, days_ahead=1)
    item = consultations.add_item(meeting, case=make_case(cast), by=cast.case_manager)
    consultations.invite(
        item,
        organisation=invite or cast.om,
        reason="Strafrechtelijke informatie nodig.",
        by=cast.case_manager,
    )
    # The services plan only in the future; a held meeting lies in the past.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    meeting.refresh_from_db()
    consultations.mark_held(meeting, by=cast.case_manager)
    item.refresh_from_db()
    consultations.write_note(
        item,
        attendance=[cast.municipality_a, invite or cast.om],
        summary="Besproken: zorgen over nieuwe contacten.",
        by=cast.case_manager,
        expected_version=0,
    )
    consultations.record_decision(
        item, kind="advice", measure="I-07", text="Adviseert een gesprek.", by=cast.case_manager
    )
    consultations.add_action(
        item,
        description="Casusregisseur plant het gesprek.",
        owner=cast.case_manager,
        deadline=timezone.localdate() + dt.timedelta(days=14),
        by=cast.case_manager,
    )
    return meeting


@dataclass
class Consultation:
    """A planned meeting with two cases on its agenda: `item` with the OM invited and an action
    for the prosecutor, `hidden` not for the OM."""

    series: Series
    meeting: Meeting
    item: AgendaItem
    hidden: AgendaItem
    action: ActionItem


def make_consultation(cast: Cast) -> Consultation:
    """Plan a meeting of a new series of municipality A with two cases, the OM invited for one."""
    import datetime as dt

    from django.utils import timezone

    from samenspel.consultations import services as consultations

    series = make_series(cast, name=f"Casusoverleg {next(_counter)}")
    meeting = make_meeting(series, by=cast.case_manager)
    item = consultations.add_item(
        meeting, case=make_case(cast, family_name="Gedeeld"), by=cast.case_manager
    )
    hidden = consultations.add_item(
        meeting, case=make_case(cast, family_name="Geheim"), by=cast.case_manager
    )
    consultations.invite(
        item,
        organisation=cast.om,
        reason="Strafrechtelijke informatie nodig.",
        by=cast.case_manager,
    )
    action = consultations.add_action(
        item,
        description="Officier levert de stand van de strafzaak aan.",
        owner=cast.prosecutor,
        deadline=timezone.localdate() + dt.timedelta(days=14),
        by=cast.case_manager,
    )
    return Consultation(series=series, meeting=meeting, item=item, hidden=hidden, action=action)
