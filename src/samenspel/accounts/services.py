"""Change organisations, users, roles and second factors. Each change audits itself."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenspel import audit
from samenspel.accounts.models import (
    API_TOKEN_PREFIX,
    ApiToken,
    Organisation,
    OrganisationType,
    RecoveryCode,
    RecoveryCodeDevice,
    Role,
    RoleAssignment,
    SingleSignOnDevice,
    User,
    hash_api_secret,
)
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.sharing.policy import Action, Denied, allowed, can

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,148}[a-z0-9]$")
RECOVERY_CODE_COUNT = 10


def _require(by: User, action: Action, obj: Organisation | User) -> None:
    """Refuse, as a 404, a change the access policy does not allow."""
    if not can(by, action, obj):
        raise Denied(obj._meta.label_lower, str(obj.uuid), exists=True)


def _can_manage_users_of(by: User, organisation: Organisation) -> bool:
    return allowed(by, "user.create", within=organisation)


# --- Organisations ------------------------------------------------------------------------


def _clean_organisation(
    *, name: str, type: str, is_priority: bool, exclude_pk: int | None = None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Vul een naam in.")
    elif (
        Organisation.objects.filter(name__iexact=name.strip())
        .exclude(pk__in=[exclude_pk] if exclude_pk is not None else [])
        .exists()
    ):
        errors["name"] = _("Er is al een organisatie met deze naam.")
    if type not in OrganisationType.values:
        errors["type"] = _("Kies een soort organisatie uit de lijst.")
    if is_priority and type != OrganisationType.MUNICIPALITY:
        errors["is_priority"] = _("Alleen een gemeente kan prioriteitsgemeente zijn.")
    return errors


def create_organisation(
    *, name: str, type: str, region: str = "", is_priority: bool = False, by: User
) -> Organisation:
    """Create an organisation; only a national administrator may."""
    if not allowed(by, "organisation.create"):
        raise Denied("accounts.organisation", "", exists=False)
    errors = _clean_organisation(name=name, type=type, is_priority=is_priority)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        org = Organisation.objects.create(
            name=name.strip(), type=type, region=region.strip(), is_priority=is_priority
        )
        audit.record(Event.ORGANISATION_CREATED, by=by, obj=org, purpose=Purpose.ADMINISTRATION)
    return org


def change_organisation(
    org: Organisation,
    *,
    name: str,
    region: str,
    is_priority: bool,
    is_active: bool,
    by: User,
) -> Organisation:
    """Change an organisation's name, region, priority flag or status."""
    _require(by, Action.MANAGE, org)
    errors = _clean_organisation(
        name=name, type=org.type, is_priority=is_priority, exclude_pk=org.pk
    )
    if errors:
        raise ValidationError(errors)
    changed = [
        field
        for field, value in (
            ("name", name.strip()),
            ("region", region.strip()),
            ("is_priority", is_priority),
            ("is_active", is_active),
        )
        if getattr(org, field) != value
    ]
    if not changed:
        return org
    with transaction.atomic():
        org.name, org.region = name.strip(), region.strip()
        org.is_priority, org.is_active = is_priority, is_active
        org.save(update_fields=changed)
        audit.record(
            Event.ORGANISATION_CHANGED,
            by=by,
            obj=org,
            purpose=Purpose.ADMINISTRATION,
            fields=changed,
        )
    return org


# --- Users --------------------------------------------------------------------------------


def _clean_roles(
    roles: Iterable[str],
    organisation: Organisation,
    by: User,
    current: frozenset[str] = frozenset(),
) -> list[str]:
    wanted = sorted(set(roles))
    unknown = [r for r in wanted if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Kies rollen uit de lijst.")})
    if Role.MAYOR in wanted and organisation.type != OrganisationType.MUNICIPALITY:
        raise ValidationError({"roles": _("Alleen een gemeente heeft een burgemeester.")})
    if Role.NATIONAL_ADMIN in wanted and not allowed(by, "user.appoint_national_admin"):
        raise ValidationError(
            {"roles": _("Alleen een landelijk beheerder kan iemand landelijk beheerder maken.")}
        )
    own_admin = allowed(by, "user.appoint_roles", within=organisation)
    # A national administrator appoints the functional administrators of other
    # organisations; every other role is up to those administrators themselves.
    changed = set(wanted) ^ set(current)
    if not own_admin and changed - {Role.FUNCTIONAL_ADMIN, Role.NATIONAL_ADMIN}:
        raise ValidationError(
            {
                "roles": _(
                    "U kunt in een andere organisatie alleen functioneel beheerders aanwijzen."
                )
            }
        )
    return wanted


def _clean_password(password: str, user: User | None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc


def create_user(
    *,
    organisation: Organisation,
    username: str,
    full_name: str,
    email: str = "",
    roles: Iterable[str] = (),
    password: str,
    oidc_subject: str = "",
    by: User | None,
) -> User:
    """Create a user in an organisation; `by=None` only for the demo and first install."""
    username = username.strip().lower()
    errors: dict[str, Any] = {}
    if not USERNAME_RE.fullmatch(username):
        errors["username"] = _(
            "Gebruik 2 tot 150 kleine letters, cijfers, punten, streepjes of liggende streepjes."
        )
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("Deze gebruikersnaam is al in gebruik.")
    if not full_name.strip():
        errors["full_name"] = _("Vul de naam in.")
    if not organisation.can_have_users:
        errors["organisation"] = _("Deze organisatie heeft geen gebruikers in Samenspel.")
    if oidc_subject and User.objects.filter(oidc_subject=oidc_subject).exists():
        errors["oidc_subject"] = _("Dit SSO-kenmerk hoort al bij een andere gebruiker.")
    if by is not None and not _can_manage_users_of(by, organisation):
        raise Denied("accounts.organisation", str(organisation.uuid), exists=True)
    if errors:
        raise ValidationError(errors)
    clean_roles = _clean_roles(roles, organisation, by) if by is not None else sorted(set(roles))
    candidate = User(username=username, full_name=full_name.strip(), email=email.strip())
    _clean_password(password, candidate)
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name.strip(),
            email=email.strip(),
            organisation=organisation,
            oidc_subject=oidc_subject.strip(),
        )
        user.set_password(password)
        user.save()
        RoleAssignment.objects.bulk_create(RoleAssignment(user=user, role=r) for r in clean_roles)
        audit.record(
            Event.USER_CREATED, by=by, obj=user, purpose=Purpose.ADMINISTRATION, roles=clean_roles
        )
    return user


def change_user(
    user: User,
    *,
    full_name: str,
    email: str,
    roles: Iterable[str],
    oidc_subject: str = "",
    by: User,
) -> User:
    """Change a user's name, e-mail address, SSO subject and roles."""
    _require(by, Action.MANAGE, user)
    errors: dict[str, Any] = {}
    if not full_name.strip():
        errors["full_name"] = _("Vul de naam in.")
    oidc_subject = oidc_subject.strip()
    if oidc_subject and User.objects.filter(oidc_subject=oidc_subject).exclude(pk=user.pk).exists():
        errors["oidc_subject"] = _("Dit SSO-kenmerk hoort al bij een andere gebruiker.")
    if errors:
        raise ValidationError(errors)
    clean_roles = _clean_roles(roles, user.organisation, by, current=user.role_set)
    if (
        user.pk == by.pk
        and Role.FUNCTIONAL_ADMIN in user.role_set
        and Role.FUNCTIONAL_ADMIN not in clean_roles
    ):
        raise ValidationError(
            {"roles": _("U kunt uw eigen rol als functioneel beheerder niet intrekken.")}
        )
    with transaction.atomic():
        changed = [
            field
            for field, value in (
                ("full_name", full_name.strip()),
                ("email", email.strip()),
                ("oidc_subject", oidc_subject),
            )
            if getattr(user, field) != value
        ]
        if changed:
            user.full_name, user.email, user.oidc_subject = (
                full_name.strip(),
                email.strip(),
                oidc_subject,
            )
            user.save(update_fields=changed)
            audit.record(
                Event.USER_CHANGED, by=by, obj=user, purpose=Purpose.ADMINISTRATION, fields=changed
            )
        _set_roles(user, clean_roles, by=by)
    return user


def _set_roles(user: User, roles: list[str], *, by: User) -> None:
    current = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    if current == set(roles):
        return
    RoleAssignment.objects.filter(user=user).exclude(role__in=roles).delete()
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=r) for r in roles if r not in current
    )
    user.forget_roles()
    audit.record(
        Event.ROLES_CHANGED,
        by=by,
        obj=user,
        purpose=Purpose.ADMINISTRATION,
        added=sorted(set(roles) - current),
        removed=sorted(current - set(roles)),
    )


def disable_user(user: User, *, by: User) -> User:
    """Disable a user and end all of their sessions at once."""
    _require(by, Action.MANAGE, user)
    if user.pk == by.pk:
        raise ValidationError(_("U kunt uzelf niet uitschakelen."))
    if not user.is_active:
        return user
    with transaction.atomic():
        user.is_active = False
        user.security_stamp = secrets.token_hex(32)
        user.save(update_fields=["is_active", "security_stamp"])
        audit.record(Event.USER_DISABLED, by=by, obj=user, purpose=Purpose.ADMINISTRATION)
    return user


def enable_user(user: User, *, by: User) -> User:
    """Enable a disabled user again."""
    _require(by, Action.MANAGE, user)
    if user.is_active:
        return user
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(Event.USER_ENABLED, by=by, obj=user, purpose=Purpose.ADMINISTRATION)
    return user


def set_password_by_admin(user: User, *, password: str, by: User) -> User:
    """Give a user a new password chosen by their administrator, ending their sessions."""
    _require(by, Action.MANAGE, user)
    _clean_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.security_stamp = secrets.token_hex(32)
        user.save(update_fields=["password", "security_stamp"])
        audit.record(Event.PASSWORD_SET_BY_ADMIN, by=by, obj=user, purpose=Purpose.ADMINISTRATION)
    return user


def change_own_password(user: User, *, old_password: str, new_password: str) -> User:
    """Change the user's own password after checking the old one."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Het huidige wachtwoord klopt niet.")})
    _clean_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(Event.PASSWORD_CHANGED, by=user, obj=user, purpose=Purpose.AUTHENTICATION)
    return user


def end_all_sessions(user: User) -> None:
    """Rotate the security stamp: every session of this user stops being valid."""
    User.objects.filter(pk=user.pk).update(security_stamp=secrets.token_hex(32))


# --- Second factors -----------------------------------------------------------------------


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    """Return the user's confirmed TOTP device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start_totp_enrolment(user: User) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def confirm_totp_enrolment(user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device when the token is right; return fresh recovery codes, else None."""
    if device.user_id != user.pk or device.confirmed:
        return None
    with transaction.atomic():
        if not device.verify_token(token.strip()):
            audit.record(
                Event.MFA_FAILED,
                by=user,
                obj=user,
                purpose=Purpose.AUTHENTICATION,
                outcome=Outcome.FAILURE,
                step="enrolment",
            )
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(Event.MFA_ENROLLED, by=user, obj=user, purpose=Purpose.AUTHENTICATION)
        return create_recovery_codes(user)


def create_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones and return them once."""
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name="Herstelcodes", confirmed=True)
        codes = []
        rows = []
        for _i in range(RECOVERY_CODE_COUNT):
            code, salt, digest = RecoveryCode.generate()
            codes.append(code)
            rows.append(RecoveryCode(device=device, salt=salt, digest=digest))
        RecoveryCode.objects.bulk_create(rows)
        audit.record(
            Event.RECOVERY_CODES_CREATED,
            by=user,
            obj=user,
            purpose=Purpose.AUTHENTICATION,
            count=RECOVERY_CODE_COUNT,
        )
    return [f"{c[0:5]}-{c[5:10]}-{c[10:15]}-{c[15:20]}" for c in codes]


def reset_second_factor(user: User, *, by: User) -> None:
    """Remove a user's second factors so that they enrol again at their next login."""
    _require(by, Action.MANAGE, user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(security_stamp=secrets.token_hex(32))
        audit.record(Event.MFA_RESET, by=by, obj=user, purpose=Purpose.ADMINISTRATION)


def sso_device(user: User) -> SingleSignOnDevice:
    """Return the device that stands for the identity provider's second factor."""
    device: SingleSignOnDevice
    device, _created = SingleSignOnDevice.objects.get_or_create(
        user=user, defaults={"name": "SSO", "confirmed": True}
    )
    return device


# --- API tokens -----------------------------------------------------------------------------

API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365
# Writing last_used_at on every call would make each read a write; once a minute is enough.
_LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def create_api_token(
    user: User, *, name: str, days: int = API_TOKEN_DEFAULT_DAYS, by: User | None
) -> tuple[ApiToken, str]:
    """Make an API key for `user` and return it with its secret, which is shown only once.

    `by` is the user themselves (from a session with a verified second factor), or None for
    the server operator at the command line.
    """
    if by is not None and by.pk != user.pk:
        raise Denied("accounts.apitoken", "", exists=False)
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Geef de sleutel een naam, zodat u hem later herkent.")
    elif len(name) > 100:
        errors["name"] = _("Gebruik ten hoogste 100 tekens.")
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        errors["days"] = _("Kies een geldigheid van 1 tot en met %(max)d dagen.") % {
            "max": API_TOKEN_MAX_DAYS
        }
    if not user.is_active:
        errors["user"] = _("Deze gebruiker is uitgeschakeld.")
    if errors:
        raise ValidationError(errors)
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[: len(API_TOKEN_PREFIX) + 6],
            secret_hash=hash_api_secret(secret),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit.record(
            Event.API_TOKEN_CREATED,
            by=by,
            obj=token,
            purpose=Purpose.AUTHENTICATION,
            user=str(user.uuid),
            days=days,
        )
    return token, secret


def revoke_api_token(token: ApiToken, *, by: User | None) -> ApiToken:
    """Revoke an API key at once; `by` is its own user, or None for the operator."""
    if by is not None:
        _require_token(by, token)
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db()
        audit.record(
            Event.API_TOKEN_REVOKED,
            by=by,
            obj=token,
            purpose=Purpose.AUTHENTICATION,
            user=str(token.user.uuid),
        )
    return token


def _require_token(by: User, token: ApiToken) -> None:
    if not can(by, Action.MANAGE, token):
        raise Denied("accounts.apitoken", str(token.uuid), exists=True)


def authenticate_api_token(secret: str) -> User | None:
    """Return the active user an API key acts for, or None if it is unknown or unusable."""
    if not secret.startswith(API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(secret_hash=hash_api_secret(secret))
        .first()
    )
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.organisation.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
