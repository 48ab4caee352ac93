"""Organisations (tenants), users and their roles, and the second factors beside TOTP."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class OrganisationType(models.TextChoices):
    """Kinds of organisation in the multi-agency approach (domain.md section 1)."""

    MUNICIPALITY = "municipality", _("Gemeente")
    ZVH = "zvh", _("Zorg- en Veiligheidshuis")
    POLICE = "police", _("Politie-eenheid")
    OM = "om", _("Openbaar Ministerie")
    NCTV = "nctv", _("NCTV")
    AIVD = "aivd", _("AIVD")
    RECLASSERING = "reclassering", _("Reclassering")
    RVDK = "rvdk", _("Raad voor de Kinderbescherming")
    CARE_PARTNER = "care_partner", _("Zorgpartner")
    LSE = "lse", _("Landelijk Steunpunt Extremisme")


# The AIVD only sends official reports (ambtsberichten); it has no users in Samenspel.
TYPES_WITHOUT_USERS = frozenset({OrganisationType.AIVD})


class Role(models.TextChoices):
    """What a user may do within their organisation."""

    CASE_DIRECTOR = "case_director", _("Casusregisseur")
    SECURITY_ADVISER = "security_adviser", _("Adviseur openbare orde en veiligheid")
    MAYOR = "mayor", _("Burgemeester")
    PARTNER_LIAISON = "partner_liaison", _("Contactpersoon partner")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functioneel beheerder")
    PRIVACY_OFFICER = "privacy_officer", _("Functionaris gegevensbescherming")
    NATIONAL_ADMIN = "national_admin", _("Landelijk beheerder")


class Organisation(models.Model):
    """An organisation taking part in the approach: the unit of tenancy."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    type = models.CharField(_("soort"), max_length=32, choices=OrganisationType.choices)
    is_priority = models.BooleanField(
        _("prioriteitsgemeente"),
        default=False,
        help_text=_("Alleen voor gemeenten: een landelijke prioriteitsgemeente."),
    )
    region = models.CharField(
        _("regio"),
        max_length=120,
        blank=True,
        help_text=_(
            "Veiligheidsregio of werkgebied, bijvoorbeeld van het Zorg- en Veiligheidshuis."
        ),
    )
    is_operator = models.BooleanField(
        _("beheerorganisatie"),
        default=False,
        help_text=_(
            "De organisatie die deze installatie beheert. Haar functionaris "
            "gegevensbescherming ziet ook de gebeurtenissen zonder organisatie."
        ),
    )
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_priority=False) | Q(type=OrganisationType.MUNICIPALITY),
                name="organisation_priority_only_for_municipality",
            ),
            models.UniqueConstraint(
                fields=["is_operator"],
                condition=Q(is_operator=True),
                name="organisation_single_operator",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_have_users(self) -> bool:
        return self.type not in TYPES_WITHOUT_USERS


class UserManager(BaseUserManager["User"]):
    """Create users; the services in accounts.services are the only callers."""

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=username or "")

    def with_roles(self) -> models.QuerySet[User]:
        """Users with their organisation and their roles, in one query (for each request)."""
        return self.select_related("organisation").annotate(
            loaded_roles=models.StringAgg("roles__role", models.Value(","), default="")
        )


class User(AbstractBaseUser):  # type: ignore[django-manager-missing]
    """A person who works in Samenspel on behalf of exactly one organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    username = models.CharField(
        _("gebruikersnaam"),
        max_length=150,
        unique=True,
        help_text=_("Kleine letters, cijfers en . - _ (bijvoorbeeld j.jansen)."),
    )
    full_name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organisatie"),
    )
    is_active = models.BooleanField(_("actief"), default=True)
    oidc_subject = models.CharField(
        _("SSO-kenmerk"),
        max_length=255,
        blank=True,
        help_text=_("Het kenmerk (sub) waarmee de identiteitsprovider deze gebruiker aanmeldt."),
    )
    # Rotated on logout and on disabling: every session carrying the old stamp ends.
    security_stamp = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["full_name", "username"]
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="user_unique_oidc_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.username

    def get_session_auth_hash(self) -> str:
        """Bind sessions to the password hash and the security stamp."""
        key = "samenspel.accounts.User.get_session_auth_hash"
        return hmac.new(
            key.encode(),
            f"{self.password}|{self.security_stamp}".encode(),
            hashlib.sha256,
        ).hexdigest()

    @property
    def role_set(self) -> frozenset[str]:
        """Return the roles held, cached on the instance for one request.

        A user loaded with `User.objects.with_roles()` (as every request loads its user)
        brought them along; otherwise they are read now.
        """
        cached: frozenset[str] | None = self.__dict__.get("_role_cache")
        if cached is None:
            loaded = self.__dict__.pop("loaded_roles", None)
            if isinstance(loaded, str):
                cached = frozenset(role for role in loaded.split(",") if role)
            else:
                cached = frozenset(self.roles.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def forget_roles(self) -> None:
        """Make the next role check read the roles again (after they changed)."""
        self.__dict__.pop("_role_cache", None)
        self.__dict__.pop("loaded_roles", None)

    def has_role(self, role: Role) -> bool:
        return role in self.role_set


class RoleAssignment(models.Model):
    """One role held by one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("rol"), max_length=32, choices=Role.choices)
    assigned_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


RECOVERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 20  # 20 symbols of 5 bits: 100 bits of entropy


def normalise_recovery_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise_recovery_code(code)}".encode()).hexdigest()


class RecoveryCodeDevice(Device):  # type: ignore[misc]  # django-otp has no type hints
    """A set of single-use recovery codes, stored only as salted hashes."""

    def verify_token(self, token: Any) -> bool:
        """Use up a matching unused code."""
        if not isinstance(token, str) or not token.strip():
            return False
        for code in self.codes.filter(used_at__isnull=True):
            if hmac.compare_digest(code.digest, _digest(code.salt, token)):
                updated = RecoveryCode.objects.filter(pk=code.pk, used_at__isnull=True).update(
                    used_at=timezone.now()
                )
                return updated == 1
        return False

    def unused_count(self) -> int:
        return int(self.codes.filter(used_at__isnull=True).count())


class RecoveryCode(models.Model):
    """One recovery code: a salted SHA-256 digest of a 100-bit random code."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Return a new (code, salt, digest)."""
        code = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        salt = secrets.token_hex(16)
        return code, salt, _digest(salt, code)


class SingleSignOnDevice(Device):  # type: ignore[misc]  # django-otp has no type hints
    """Marks a session whose second factor was supplied by the OIDC identity provider."""

    def verify_token(self, token: Any) -> bool:
        """Never accept a typed token: only a completed SSO login uses this device."""
        return False


API_TOKEN_PREFIX = "ssp_"  # noqa: S105 - a public marker, not a secret


def hash_api_secret(secret: str) -> str:
    """Return the SHA-256 hex digest under which an API token's secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API key (Bearer token) that acts as its user, with exactly their rights.

    Only a SHA-256 hash of the secret is stored, with a short prefix to recognise it by.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("gebruiker")
    )
    name = models.CharField(_("naam"), max_length=100)
    prefix = models.CharField(_("begin van de sleutel"), max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("gemaakt op"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("verloopt op"))
    last_used_at = models.DateTimeField(_("laatst gebruikt op"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def audit_organisation_id(self) -> int:
        return self.user.organisation_id

    def is_usable(self, now: Any = None) -> bool:
        """Tell whether the token still works: not revoked, not expired, its user active."""
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active
