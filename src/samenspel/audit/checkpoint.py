"""Signed checkpoints of the audit chain: its size and head hash, committed outside the database.

A checkpoint is a signed note in the style of C2SP tlog-checkpoint and signed-note
(https://github.com/C2SP/C2SP/blob/main/tlog-checkpoint.md)::

    <origin>
    <size>
    <head hash, hex>
    <time, UTC>

    — <key name> <base64(key id || Ed25519 signature)>

The signature covers the four body lines with their newlines. The key id is the first four
bytes of SHA-256(key name || "\\n" || 0x01 || public key), as in signed-note; a verifier key is
written `<name>+<key id hex>+<base64(0x01 || public key)>`. The hash chain alone cannot stop
someone with owner rights on the database from recomputing every hash; a checkpoint kept
elsewhere can, because that person cannot sign a new one without the key.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space, as in signed notes
ED25519_ALGORITHM = b"\x01"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
KEY_ENV = "SAMENSPEL_AUDIT_SIGNING_KEY"
KEYGEN_HINT = (
    f"Generate one with `samenspel audit keygen` and put it in {KEY_ENV} "
    f"(or in a file named by {KEY_ENV}_FILE), or without Django: "
    "python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'"
)
_SIZE = re.compile(r"^(0|[1-9][0-9]{0,18})$")
_HEX_HASH = re.compile(r"^[0-9a-f]{64}$")
_KEY_NAME = re.compile(r"^[^\s+]+$")


class CheckpointError(Exception):
    """A checkpoint file or key that cannot be used (malformed, unsigned, or the wrong key)."""


class MissingKeyError(CheckpointError):
    """No signing key is configured where one is required."""


class BadSignatureError(CheckpointError):
    """The checkpoint does not carry a valid signature by the expected key."""


@dataclass(frozen=True)
class Checkpoint:
    """The size and head hash of the audit chain at one moment."""

    origin: str
    size: int
    head_hash: str
    time: dt.datetime

    def body(self) -> str:
        """Return the signed text: four lines, each ending in a newline."""
        return f"{self.origin}\n{self.size}\n{self.head_hash}\n{format_time(self.time)}\n"


@dataclass(frozen=True)
class VerifierKey:
    """A public key under a name, as a verifier needs it."""

    name: str
    public_key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.raw)

    def __str__(self) -> str:
        encoded = base64.b64encode(ED25519_ALGORITHM + self.raw).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


def format_time(moment: dt.datetime) -> str:
    """Render a checkpoint time as UTC to the second."""
    if moment.tzinfo is None:
        raise ValueError("checkpoint times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime(TIME_FORMAT)


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the four-byte key id of an Ed25519 key, as signed-note defines it."""
    material = name.encode("utf-8") + b"\n" + ED25519_ALGORITHM + public_key
    return hashlib.sha256(material).digest()[:4]


def generate_key() -> str:
    """Return a new Ed25519 private key as the base64 of its 32-byte seed."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def decode_private_key(text: str) -> Ed25519PrivateKey:
    """Read a 32-byte Ed25519 seed written as base64 or hex."""
    value = text.strip()
    seed: bytes | None = None
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        seed = bytes.fromhex(value)
    else:
        try:
            seed = base64.b64decode(value, validate=True)
        except binascii.Error:
            seed = None
    if seed is None or len(seed) != 32:
        raise CheckpointError(
            "The audit signing key must be 32 bytes written as base64 (44 characters) "
            f"or hex (64 characters). {KEYGEN_HINT}"
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


def _read_or_create_key_file(path: Path, *, create: bool) -> Ed25519PrivateKey:
    if path.exists():
        return decode_private_key(path.read_text(encoding="utf-8"))
    if not create:
        raise MissingKeyError(f"There is no audit signing key yet ({path} does not exist).")
    path.parent.mkdir(parents=True, exist_ok=True)
    value = generate_key()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return decode_private_key(path.read_text(encoding="utf-8"))
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return decode_private_key(value)


def signing_key(*, create: bool = True) -> Ed25519PrivateKey:
    """Return the configured signing key.

    Outside production a key file in the data folder is read, or created (mode 0600) when
    `create` is true; production refuses to invent one.
    """
    configured = str(getattr(settings, "AUDIT_SIGNING_KEY", "") or "")
    if configured:
        return decode_private_key(configured)
    if settings.PRODUCTION:
        raise MissingKeyError(f"{KEY_ENV} is not set, and production needs it. {KEYGEN_HINT}")
    return _read_or_create_key_file(Path(settings.AUDIT_SIGNING_KEY_PATH), create=create)


def verifier_key(private_key: Ed25519PrivateKey, *, name: str | None = None) -> VerifierKey:
    """Return the public half of a signing key, named after the log's origin."""
    return VerifierKey(name or settings.AUDIT_ORIGIN, private_key.public_key())


def parse_verifier_key(text: str) -> VerifierKey:
    """Read a verifier key written as `<name>+<key id hex>+<base64(0x01 || public key)>`."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not _KEY_NAME.fullmatch(parts[0]):
        raise CheckpointError("A public key looks like <name>+<key id>+<base64 key>.")
    name, id_hex, encoded = parts
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise CheckpointError("The public key is not valid base64.") from exc
    if len(raw) != 33 or raw[:1] != ED25519_ALGORITHM:
        raise CheckpointError("The public key is not an Ed25519 key.")
    key = VerifierKey(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
    if key.key_id.hex() != id_hex.lower():
        raise CheckpointError("The public key's id does not match its name and key.")
    return key


def sign(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> str:
    """Return the checkpoint as a signed note, signed under the name of its origin."""
    if not _KEY_NAME.fullmatch(checkpoint.origin):
        raise CheckpointError("The audit origin must be one word without '+'.")
    body = checkpoint.body()
    key = verifier_key(private_key, name=checkpoint.origin)
    signature = private_key.sign(body.encode("utf-8"))
    encoded = base64.b64encode(key.key_id + signature).decode("ascii")
    return f"{body}\n{SIGNATURE_PREFIX}{key.name} {encoded}\n"


def _parse_body(body: str) -> Checkpoint:
    lines = body.split("\n")
    if len(lines) != 5 or lines[4] != "":
        raise CheckpointError(
            "The checkpoint must have four lines (origin, size, head hash, time) before the "
            "blank line."
        )
    origin, size, head, moment = lines[:4]
    if not origin or not _KEY_NAME.fullmatch(origin):
        raise CheckpointError("The checkpoint's origin line is empty or not one word.")
    if not _SIZE.fullmatch(size):
        raise CheckpointError(f"The checkpoint's size {size!r} is not a whole number.")
    if not _HEX_HASH.fullmatch(head):
        raise CheckpointError("The checkpoint's head hash is not 64 lowercase hex digits.")
    try:
        parsed = dt.datetime.strptime(moment, TIME_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise CheckpointError(
            f"The checkpoint's time {moment!r} is not written like 2026-01-31T12:00:00Z."
        ) from exc
    return Checkpoint(origin=origin, size=int(size), head_hash=head, time=parsed)


def open_note(text: str, key: VerifierKey) -> Checkpoint:
    """Check the signature on a checkpoint note by `key` and return its content.

    Signature lines by other keys (witnesses, for example) are ignored; at least one line
    must be by `key`, and every line by `key` must verify.
    """
    if "\r" in text or not text.endswith("\n"):
        raise CheckpointError("The checkpoint must use plain newlines and end with one.")
    body, sep, signatures = text.partition("\n\n")
    if not sep or not signatures:
        raise CheckpointError("The checkpoint has no signature (no blank line before one).")
    body += "\n"
    checkpoint = _parse_body(body)
    found = False
    for line in signatures.removesuffix("\n").split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointError(f"Not a signature line: {line[:40]!r}.")
        name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise CheckpointError("A signature is not valid base64.") from exc
        if len(raw) < 5:
            raise CheckpointError("A signature line is too short.")
        if name != key.name or raw[:4] != key.key_id:
            continue
        try:
            key.public_key.verify(raw[4:], body.encode("utf-8"))
        except InvalidSignature as exc:
            raise BadSignatureError(
                f"The signature by {key.name} does not match the checkpoint: its content or "
                "its signature was changed."
            ) from exc
        found = True
    if not found:
        raise BadSignatureError(
            f"The checkpoint is not signed by this log's key ({key}); it was signed with "
            "another key or under another name."
        )
    if checkpoint.origin != key.name:
        raise CheckpointError(
            f"The checkpoint is for origin {checkpoint.origin!r}, this log is {key.name!r}."
        )
    return checkpoint
