"""Authentication backends: password (argon2) and OpenID Connect."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from samenspel.accounts.models import User


class PasswordBackend(ModelBackend):
    """Check user name and password; unknown users cost the same hashing time."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
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
        user = User.objects.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class OIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Match the identity provider's subject to a user that an administrator created."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        subject = claims.get("sub")
        if not subject:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(
            oidc_subject=subject, is_active=True, organisation__is_active=True
        )

    def create_user(self, claims: dict[str, Any]) -> None:
        """Never create accounts from SSO: an administrator creates them first."""
        return None

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        return user

    def get_user(self, user_id: int) -> User | None:
        return PasswordBackend().get_user(user_id)
