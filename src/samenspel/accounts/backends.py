"""Authentication backends: password (argon2) and OpenID Connect."""

from __future__ import annotations

import hmac
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from samenspel.accounts.models import User

logger = logging.getLogger(__name__)


class PasswordBackend(ModelBackend):
    """Check user name and password; unknown users cost the same hashing time."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = super().authenticate(request, username=username.strip(), password=password)
        return user if isinstance(user, User) else None

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(
            getattr(user, "is_active", False) and getattr(user.organisation, "is_active", False)
        )

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.with_roles().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


# The request attribute through which OIDCBackend tells the callback view how a login went.
SSO_OUTCOME = "samenspel_sso_outcome"
# Tolerated clock difference with the identity provider, and the oldest ID token accepted:
# in the code flow the token is issued just before Samenspel receives it.
CLOCK_SKEW_SECONDS = 60
MAX_TOKEN_AGE_SECONDS = 600
_IDENTIFIER = re.compile(r"^[\w.:@/+=-]{1,100}$")


def as_identifier(value: object) -> str:
    """Return a claim value fit for the audit log, or "invalid" when it is not an identifier."""
    return value if isinstance(value, str) and _IDENTIFIER.fullmatch(value) else "invalid"


@dataclass(frozen=True)
class SingleSignOnOutcome:
    """How an SSO login went: `reason` is empty on success, else a stable failure code."""

    reason: str = ""
    user: User | None = None
    acr: str = ""


class SingleSignOnError(Exception):
    """The identity provider's answer is not acceptable; `reason` says why."""

    def __init__(self, reason: str, *, user: User | None = None, acr: str = "") -> None:
        super().__init__(reason)
        self.outcome = SingleSignOnOutcome(reason=reason, user=user, acr=acr)


def is_single_sign_on_attempt(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """Tell django-axes to leave SSO callbacks alone (AXES_WHITELIST_CALLABLE)."""
    return credentials is not None and "code_verifier" in credentials


class OIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Log in the user whose SSO subject a trusted ID token names; never create accounts.

    mozilla-django-oidc checks the state (in the view), sends the PKCE verifier, checks the
    signature against the provider's JWKS and pins the algorithm to RS256. It does not check the
    issuer or the audience, nor require exp and iat: this class does, checks acr, and turns every
    failure into a reason code for the audit log.
    """

    _acr = ""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce and a PKCE verifier; the password form never does.
        if request is None or "nonce" not in kwargs or "code_verifier" not in kwargs:
            return None
        try:
            user = super().authenticate(request, **kwargs)
            if not isinstance(user, User):
                raise SingleSignOnError("missing_code")
        except SingleSignOnError as exc:
            outcome = exc.outcome
        except (requests.Timeout, requests.ConnectionError):
            outcome = SingleSignOnOutcome("provider_unreachable")
        except requests.HTTPError:
            outcome = SingleSignOnOutcome("provider_refused")
        except jwt.ExpiredSignatureError:
            outcome = SingleSignOnOutcome("token_expired")
        except jwt.ImmatureSignatureError:
            outcome = SingleSignOnOutcome("token_time_invalid")
        except (
            SuspiciousOperation,
            jwt.PyJWTError,
            requests.RequestException,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            logger.warning("SSO login refused: %s: %s", type(exc).__name__, exc)
            outcome = SingleSignOnOutcome("invalid_token")
        else:
            setattr(request, SSO_OUTCOME, SingleSignOnOutcome(user=user, acr=self._acr))
            return user
        setattr(request, SSO_OUTCOME, outcome)
        # PermissionDenied stops django.contrib.auth.authenticate() from trying other backends.
        raise PermissionDenied(outcome.reason)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """Check the ID token's signature, nonce and claims (OpenID Connect Core 3.1.3.7)."""
        if "nonce" not in kwargs:
            # Only ID tokens are verified here; a signed userinfo answer is never requested.
            raise SingleSignOnError("invalid_token")
        key = self.retrieve_matching_jwk(token)
        claims: dict[str, Any] = self.get_payload_data(token, key)
        expected_nonce = kwargs["nonce"]
        nonce = claims.get("nonce")
        if not (
            isinstance(nonce, str)
            and isinstance(expected_nonce, str)
            and expected_nonce
            and hmac.compare_digest(nonce, expected_nonce)
        ):
            raise SingleSignOnError("wrong_nonce")
        self._check_claims(claims)
        return claims

    def _check_claims(self, claims: dict[str, Any]) -> None:
        if claims.get("iss") != self.get_settings("OIDC_OP_ISSUER"):
            raise SingleSignOnError("wrong_issuer")
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or self.OIDC_RP_CLIENT_ID not in audiences:
            raise SingleSignOnError("wrong_audience")
        if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SingleSignOnError("wrong_audience")
        now = time.time()
        expires, issued = _number(claims.get("exp")), _number(claims.get("iat"))
        if expires is None or issued is None:
            raise SingleSignOnError("invalid_token")
        if expires <= now:
            raise SingleSignOnError("token_expired")
        if not now - MAX_TOKEN_AGE_SECONDS <= issued <= now + CLOCK_SKEW_SECONDS:
            raise SingleSignOnError("token_time_invalid")
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject.strip():
            raise SingleSignOnError("invalid_token")
        acr = claims.get("acr")
        required: list[str] = self.get_settings("OIDC_REQUIRED_ACR", [])
        if required and acr not in required:
            raise SingleSignOnError("acr_too_low", acr=as_identifier(acr) if acr else "")
        self._acr = as_identifier(acr) if acr else ""

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        """Find the active user an administrator linked to this subject."""
        user = (
            User.objects.select_related("organisation").filter(oidc_subject=payload["sub"]).first()
        )
        if user is None:
            raise SingleSignOnError("unknown_subject", acr=self._acr)
        if not (user.is_active and user.organisation.is_active):
            raise SingleSignOnError("account_disabled", user=user, acr=self._acr)
        return user

    def create_user(self, claims: dict[str, Any]) -> None:
        """Never create accounts from SSO: an administrator creates them first."""
        raise SingleSignOnError("unknown_subject")

    def get_user(self, user_id: int) -> User | None:
        return PasswordBackend().get_user(user_id)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
