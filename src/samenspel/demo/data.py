"""The demo cast: fictional organisations, one user for every role, and their case work."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenspel import audit
from samenspel.accounts import services
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.demo import break_glass as demo_break_glass
from samenspel.demo import casework
from samenspel.demo import information as demo_information
from samenspel.demo import measures as demo_measures
from samenspel.frameworks import services as framework_services
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.shipped import SHIPPED, shipped_framework, shipped_text

DEMO_PASSWORD = "samenspel-demo-2026"  # noqa: S105 - printed for the demo only


@dataclass(frozen=True)
class DemoOrg:
    name: str
    type: OrganisationType
    region: str = ""
    is_priority: bool = False
    is_operator: bool = False


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    org: str
    roles: tuple[Role, ...]
    with_totp: bool = True


ORGANISATIONS = [
    DemoOrg(
        "Gemeente Havenstad",
        OrganisationType.MUNICIPALITY,
        "Rijnmond",
        is_priority=True,
        is_operator=True,
    ),
    DemoOrg("Gemeente Weidevelde", OrganisationType.MUNICIPALITY, "Rijnmond"),
    DemoOrg("Gemeente Klein-Ommerdam", OrganisationType.MUNICIPALITY, "Rijnmond"),
    DemoOrg("Zorg- en Veiligheidshuis Rijnmond", OrganisationType.ZVH, "Rijnmond"),
    DemoOrg("Politie-eenheid Rijnmond", OrganisationType.POLICE, "Rijnmond"),
    DemoOrg("Arrondissementsparket Rijnmond", OrganisationType.OM, "Rijnmond"),
    DemoOrg("NCTV", OrganisationType.NCTV),
    DemoOrg("AIVD", OrganisationType.AIVD),
    DemoOrg("GGZ Havenstad", OrganisationType.CARE_PARTNER, "Rijnmond"),
]

H, W, K = "Gemeente Havenstad", "Gemeente Weidevelde", "Gemeente Klein-Ommerdam"
USERS = [
    DemoUser("regisseur", "Rosa de Regisseur", H, (Role.CASE_DIRECTOR,)),
    DemoUser("adviseur", "Omar van Veiligheid", H, (Role.SECURITY_ADVISER,)),
    DemoUser("burgemeester", "Bea Burgemeester", H, (Role.MAYOR,)),
    DemoUser("beheerder", "Frank Beheer", H, (Role.FUNCTIONAL_ADMIN,)),
    DemoUser("fg", "Fatima Gegevens", H, (Role.PRIVACY_OFFICER,)),
    DemoUser("nieuw", "Nina Nieuw", H, (Role.CASE_DIRECTOR,), with_totp=False),
    DemoUser("weide.regisseur", "Wim Weide", W, (Role.CASE_DIRECTOR, Role.SECURITY_ADVISER)),
    DemoUser("weide.beheerder", "Wendy Beheer", W, (Role.FUNCTIONAL_ADMIN,)),
    DemoUser("klein.adviseur", "Kees Klein", K, (Role.SECURITY_ADVISER, Role.CASE_DIRECTOR)),
    DemoUser(
        "zvh.regisseur",
        "Zoë Procesregie",
        "Zorg- en Veiligheidshuis Rijnmond",
        (Role.CASE_DIRECTOR,),
    ),
    DemoUser("politie", "Piet Politie", "Politie-eenheid Rijnmond", (Role.PARTNER_LIAISON,)),
    DemoUser(
        "officier", "Olga Officier", "Arrondissementsparket Rijnmond", (Role.PARTNER_LIAISON,)
    ),
    DemoUser("nctv", "Noor NCTV", "NCTV", (Role.PARTNER_LIAISON,)),
    DemoUser("landelijk", "Lars Landelijk", "NCTV", (Role.NATIONAL_ADMIN, Role.FUNCTIONAL_ADMIN)),
    DemoUser("zorg", "Zara Zorg", "GGZ Havenstad", (Role.PARTNER_LIAISON,)),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    organisation: str
    roles: list[str]
    totp_secret: str  # base32, or "" when the user enrols at first login


def load() -> list[DemoLogin]:
    """Create (or find) the demo organisations and users; running it twice changes nothing."""
    with transaction.atomic():
        orgs: dict[str, Organisation] = {}
        created_any = False
        for spec in ORGANISATIONS:
            org, created = Organisation.objects.get_or_create(
                name=spec.name,
                defaults={
                    "type": spec.type,
                    "region": spec.region,
                    "is_priority": spec.is_priority,
                    "is_operator": spec.is_operator,
                },
            )
            created_any |= created
            orgs[spec.name] = org
            if created:
                audit.record(
                    Event.ORGANISATION_CREATED, by=None, obj=org, purpose=Purpose.SYSTEM, demo=True
                )
        logins = []
        users: dict[str, User] = {}
        for u in USERS:
            user = User.objects.filter(username=u.username).first()
            if user is None:
                created_any = True
                user = services.create_user(
                    organisation=orgs[u.org],
                    username=u.username,
                    full_name=u.full_name,
                    # A reserved domain (RFC 2606): notification mails go nowhere; in the demo
                    # the console mail backend prints them.
                    email=f"{u.username}@demo.invalid",
                    roles=[r.value for r in u.roles],
                    password=DEMO_PASSWORD,
                    by=None,
                )
                if u.with_totp:
                    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
                    services.create_recovery_codes(user)
                    del device
            users[u.username] = user
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            secret = base64.b32encode(device.bin_key).decode().rstrip("=") if device else ""
            logins.append(
                DemoLogin(u.username, u.full_name, u.org, [str(r.label) for r in u.roles], secret)
            )
        _load_framework(national_admin=users["landelijk"])
        created_any |= not casework.loaded()
        casework.load(users, orgs)
        created_any |= not casework.consultations_loaded()
        casework.load_consultations(users, orgs)
        created_any |= not demo_measures.loaded()
        demo_measures.load(users, orgs)
        created_any |= not demo_information.loaded()
        demo_information.load(users)
        created_any |= not demo_break_glass.loaded()
        demo_break_glass.load(users)
        if created_any:
            audit.record(Event.DEMO_LOADED, by=None, purpose=Purpose.SYSTEM)
    return logins


def _load_framework(*, national_admin: User) -> None:
    """Load and publish the shipped framework, once."""
    text = shipped_text()
    shipped = shipped_framework()
    if FrameworkVersion.objects.filter(framework=shipped.id, label=shipped.version).exists():
        return
    version = framework_services.load_version(text, source_name=SHIPPED, by=national_admin)
    framework_services.publish_version(version, by=national_admin)
