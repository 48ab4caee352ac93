"""A small OpenID Connect provider on loopback, for testing Samenspel's SSO end to end.

It speaks just enough of OpenID Connect Core for the authorization code flow with PKCE:
authorize, token, userinfo and jwks. It signs ID tokens with RS256 and a fresh RSA key. Each
test can set `Provider.behaviour` to make it misbehave in one specific way (a tampered
signature, a wrong audience, an expired token, alg=none, and so on).

Not a real identity provider: no user interface, no sessions, no consent, no discovery.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "samenspel-test"
CLIENT_SECRET = "test-client-secret-" + "x" * 24  # long enough for HS256 in PyJWT


@dataclass
class Behaviour:
    """How the provider answers; the defaults give a correct ID token for `subject`."""

    subject: str = "sso-subject-1"
    acr: str | None = None
    issuer: str | None = None  # None: the provider's own URL
    audience: str | list[str] | None = None  # None: the client id
    azp: str | None = None
    lifetime_seconds: int = 300  # negative: the token has already expired
    issued_offset_seconds: int = 0  # added to iat
    nonce: str | None = None  # None: the nonce from the authorization request
    omit_claims: tuple[str, ...] = ()
    alg: str = "RS256"  # or "none", or "HS256" (signed with the client secret)
    tamper_subject: str | None = None  # change sub after signing, keep the signature
    foreign_key: bool = False  # sign with a key that is not in the JWKS (same kid)
    kid_in_jwks_alg: bool = True  # publish "alg" with the key in the JWKS
    authorize_error: str | None = None  # answer the authorization request with ?error=
    token_delay_seconds: float = 0.0


@dataclass
class Grant:
    """An authorization code and what the authorization request said."""

    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    used: bool = False


@dataclass
class Provider:
    """The provider's state: keys, issued codes and everything it was asked."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    behaviour: Behaviour = field(default_factory=Behaviour)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    userinfo_requests: int = 0
    jwks_requests: int = 0
    issuer: str = ""

    def __post_init__(self) -> None:
        self.kid = secrets.token_hex(8)
        self._key, self._foreign_key = _keys()
        self._grants: dict[str, Grant] = {}
        self._access_tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    # Endpoints ------------------------------------------------------------------------------

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.issuer}/userinfo"

    @property
    def jwks_endpoint(self) -> str:
        return f"{self.issuer}/jwks"

    def environment(self) -> dict[str, str]:
        """Return the SAMENSPEL_OIDC_* variables that point Samenspel at this provider."""
        return {
            "SAMENSPEL_OIDC_CLIENT_ID": self.client_id,
            "SAMENSPEL_OIDC_CLIENT_SECRET": self.client_secret,
            "SAMENSPEL_OIDC_ISSUER": self.issuer,
            "SAMENSPEL_OIDC_AUTHORIZATION_ENDPOINT": self.authorization_endpoint,
            "SAMENSPEL_OIDC_TOKEN_ENDPOINT": self.token_endpoint,
            "SAMENSPEL_OIDC_JWKS_ENDPOINT": self.jwks_endpoint,
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Check an authorization request and redirect back with a code (no login screen)."""
        self.authorize_requests.append(query)
        redirect_uri = query.get("redirect_uri", "")
        problems = [
            query.get("response_type") != "code",
            query.get("client_id") != self.client_id,
            "openid" not in query.get("scope", "").split(),
            not redirect_uri,
            not query.get("state"),
            not query.get("nonce"),
            query.get("code_challenge_method") != "S256",
            not query.get("code_challenge"),
        ]
        if any(problems):
            return 400, {}, {"error": "invalid_request"}
        back: dict[str, str] = {"state": query["state"]}
        if self.behaviour.authorize_error:
            back["error"] = self.behaviour.authorize_error
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._grants[code] = Grant(
                    client_id=query["client_id"],
                    redirect_uri=redirect_uri,
                    nonce=query["nonce"],
                    code_challenge=query["code_challenge"],
                )
            back["code"] = code
        separator = "&" if "?" in redirect_uri else "?"
        return 302, {"Location": redirect_uri + separator + urlencode(back)}, {}

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        """Exchange a code for tokens after checking the client, the code and PKCE."""
        self.token_requests.append(form)
        if self.behaviour.token_delay_seconds:
            time.sleep(self.behaviour.token_delay_seconds)
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            client_id, _, client_secret = decoded.partition(":")
        if client_id != self.client_id or not hmac.compare_digest(
            client_secret.encode(), self.client_secret.encode()
        ):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._grants.get(form.get("code", ""))
            if grant is None or grant.used:
                return 400, {"error": "invalid_grant"}
            grant.used = True  # codes are single-use, also when the rest of the request fails
        verifier = form.get("code_verifier", "")
        challenge = _b64(hashlib.sha256(verifier.encode()).digest())
        if not verifier or not hmac.compare_digest(challenge, grant.code_challenge):
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        if form.get("redirect_uri") != grant.redirect_uri or grant.client_id != client_id:
            return 400, {"error": "invalid_grant"}
        access_token = secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens[access_token] = self.behaviour.subject
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token(nonce=grant.nonce),
        }

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        self.userinfo_requests += 1
        subject = self._access_tokens.get(authorization.removeprefix("Bearer "))
        if subject is None:
            return 401, {"error": "invalid_token"}
        return 200, {"sub": subject}

    def jwks(self) -> dict[str, Any]:
        self.jwks_requests += 1
        key: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        key.update({"kid": self.kid, "use": "sig"})
        if self.behaviour.kid_in_jwks_alg:
            key["alg"] = "RS256"
        return {"keys": [key]}

    # Tokens ---------------------------------------------------------------------------------

    def claims(self, *, nonce: str) -> dict[str, Any]:
        """Return the ID token claims the behaviour asks for."""
        b = self.behaviour
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": b.issuer if b.issuer is not None else self.issuer,
            "aud": b.audience if b.audience is not None else self.client_id,
            "sub": b.subject,
            "iat": now + b.issued_offset_seconds,
            "exp": now + b.lifetime_seconds,
            "nonce": b.nonce if b.nonce is not None else nonce,
            "auth_time": now,
        }
        if b.acr is not None:
            claims["acr"] = b.acr
        if b.azp is not None:
            claims["azp"] = b.azp
        for name in b.omit_claims:
            claims.pop(name, None)
        return claims

    def id_token(self, *, nonce: str) -> str:
        b = self.behaviour
        claims = self.claims(nonce=nonce)
        headers = {"kid": self.kid}
        if b.alg == "none":
            header = _b64(json.dumps({"alg": "none", "typ": "JWT", **headers}).encode())
            return f"{header}.{_b64(json.dumps(claims).encode())}."
        if b.alg == "HS256":
            return jwt.encode(claims, self.client_secret, algorithm="HS256", headers=headers)
        key = self._foreign_key if b.foreign_key else self._key
        token = jwt.encode(claims, key, algorithm=b.alg, headers=headers)
        if b.tamper_subject is not None:
            header, _payload, signature = token.split(".")
            forged = _b64(json.dumps({**claims, "sub": b.tamper_subject}).encode())
            token = f"{header}.{forged}.{signature}"
        return token


@functools.cache
def _keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    """Return the signing key and a foreign one; made once, as RSA key generation is slow."""
    return tuple(  # type: ignore[return-value]
        rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _handler_for(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/authorize":
                status, headers, body = provider.authorize(query)
                self._answer(status, body, headers)
            elif url.path == "/userinfo":
                self._answer(*provider.userinfo(self.headers.get("Authorization", "")))
            elif url.path == "/jwks":
                self._answer(200, provider.jwks())
            else:
                self._answer(404, {"error": "not_found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                self._answer(*provider.token(form, self.headers.get("Authorization", "")))
            else:
                self._answer(404, {"error": "not_found"})

        def _answer(
            self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(body).encode() if body else b""
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a deliberately slow token answer must not hold up the test

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client gave up waiting (the timeout test does that on purpose)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def running_provider(**kwargs: Any) -> Iterator[Provider]:
    """Run a provider on 127.0.0.1 on a free port in a background thread."""
    provider = Provider(**kwargs)
    server = _Server(("127.0.0.1", 0), _handler_for(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="oidc-provider",
        daemon=True,
    )
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
