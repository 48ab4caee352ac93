"""Read configuration from the environment through small typed helpers."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from django.core.exceptions import ImproperlyConfigured

# The exit code of a start-up refused for its configuration (2: a usage error, as argparse).
CONFIGURATION_EXIT_CODE = 2

# The file `samenspel demo` writes into its data folder: that folder holds demo data only.
DEMO_MARKER_NAME = "demo_marker"

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "ja"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "nee", ""})


def env_str(name: str, default: str = "") -> str:
    """Return the variable as text, or the default when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    """Return the variable as a boolean; refuse words that are neither yes nor no."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    """Return the variable as a whole number, at least `minimum` when given."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str) -> str:
    """Return a secret from NAME, or from the file named by NAME_FILE."""
    value = os.environ.get(name)
    if value:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points to {path!r}, which cannot be read: correct the path "
                "or make the file readable for the service user."
            ) from exc
    return ""


def read_or_create_secret(path: Path, *, nbytes: int = 48) -> str:
    """Return the secret stored in `path`, creating it (mode 0600) on first use."""
    import secrets

    try:
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(nbytes)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{path} cannot be read or created ({exc.strerror}): point SAMENSPEL_DATA_DIR at a "
            "folder this user may write."
        ) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


def one_line(error: BaseException | str) -> str:
    """Return an error's message on one line, for a start-up that must not show a traceback."""
    return " ".join(str(error).split())


def start_or_exit[T](start: Callable[[], T]) -> T:
    """Run `start`; on a configuration error print one line naming the variable and exit 2."""
    try:
        return start()
    except ImproperlyConfigured as exc:
        refuse(exc)


def refuse(error: BaseException | str) -> NoReturn:
    """Print a configuration error as one line on standard error and exit with code 2."""
    sys.stderr.write(f"samenspel: configuration error: {one_line(error)}\n")
    sys.stderr.flush()
    raise SystemExit(CONFIGURATION_EXIT_CODE)
