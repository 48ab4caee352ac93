"""The settings refuse unsafe production configurations, keep generated secrets private, and run
SQLite durably. Each case imports the settings in a fresh interpreter with its own environment."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION = {
    "SAMENSPEL_ENV": "production",
    "SAMENSPEL_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
    "SAMENSPEL_ALLOWED_HOSTS": "samenspel.example.nl",
}

PRINT_SECRET_KEY = "from samenspel import settings; print(settings.SECRET_KEY)"


def run(args: list[str], env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run Python with only the given Samenspel variables, and the data folder in `data_dir`."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SAMENSPEL_")
        and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update({"SAMENSPEL_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [sys.executable, *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def python(code: str, env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    return run(["-c", code], env, data_dir)


def import_settings(env: dict[str, str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    return python("import samenspel.settings", env, data_dir)


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in PRODUCTION.items() if key != name}


# --- Production refuses to start half-configured -----------------------------------------------


def test_production_starts_with_key_and_hosts(tmp_path: Path) -> None:
    result = import_settings(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists(), "production must never invent a secret"


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    result = import_settings(without("SAMENSPEL_SECRET_KEY"), tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SAMENSPEL_SECRET_KEY (or SAMENSPEL_SECRET_KEY_FILE) is required in production" in (
        result.stderr
    )
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    result = import_settings(without("SAMENSPEL_ALLOWED_HOSTS"), tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SAMENSPEL_ALLOWED_HOSTS is required in production" in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path: Path) -> None:
    result = import_settings({**PRODUCTION, "SAMENSPEL_DEBUG": "true"}, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SAMENSPEL_DEBUG cannot be on when SAMENSPEL_ENV is production" in result.stderr


def test_unknown_environment_is_refused(tmp_path: Path) -> None:
    result = import_settings({**PRODUCTION, "SAMENSPEL_ENV": "prod"}, tmp_path)
    assert result.returncode != 0
    assert "SAMENSPEL_ENV must be production, demo or test" in result.stderr


def test_a_yes_no_variable_refuses_other_words(tmp_path: Path) -> None:
    result = import_settings({**PRODUCTION, "SAMENSPEL_DEBUG": "maybe"}, tmp_path)
    assert result.returncode != 0
    assert "SAMENSPEL_DEBUG must be true or false" in result.stderr


def test_production_reads_the_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("k" * 10 + secrets.token_urlsafe(48) + "\n", encoding="utf-8")
    env = {**without("SAMENSPEL_SECRET_KEY"), "SAMENSPEL_SECRET_KEY_FILE": str(key_file)}
    result = python(PRINT_SECRET_KEY, env, tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key_file.read_text(encoding="utf-8").strip()


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    migrated = run(["-m", "samenspel", "migrate", "--verbosity", "0"], PRODUCTION, tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    result = run(
        ["-m", "samenspel", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# --- Demo and test generate their own secret, privately, once ----------------------------------


@pytest.mark.parametrize("environment", ["demo", "test"])
def test_demo_and_test_generate_a_private_secret_and_reuse_it(
    tmp_path: Path, environment: str
) -> None:
    env = {"SAMENSPEL_ENV": environment}
    first = python(PRINT_SECRET_KEY, env, tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.stdout.strip()
    assert len(key) >= 50
    assert key_file.read_text(encoding="utf-8").strip() == key

    second = python(PRINT_SECRET_KEY, env, tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == key


# --- A demo folder runs as the demo; an explicit environment wins ---------------------------


def test_a_folder_marked_by_the_demo_runs_as_the_demo(tmp_path: Path) -> None:
    (tmp_path / "demo_marker").write_text("demo\n", encoding="utf-8")
    result = python("from samenspel import settings; print(settings.ENVIRONMENT)", {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "demo"


def test_an_explicit_production_wins_over_the_demo_marker(tmp_path: Path) -> None:
    (tmp_path / "demo_marker").write_text("demo\n", encoding="utf-8")
    result = import_settings(without("SAMENSPEL_SECRET_KEY"), tmp_path)
    assert result.returncode != 0
    assert "SAMENSPEL_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


# --- Request limits ----------------------------------------------------------------------------


def test_the_json_depth_limit_is_read_and_has_a_minimum(tmp_path: Path) -> None:
    code = "from samenspel import settings; print(settings.MAX_JSON_DEPTH)"
    assert python(code, {"SAMENSPEL_ENV": "test"}, tmp_path).stdout.strip() == "32"
    env = {"SAMENSPEL_ENV": "test", "SAMENSPEL_MAX_JSON_DEPTH": "8"}
    assert python(code, env, tmp_path).stdout.strip() == "8"
    refused = import_settings({"SAMENSPEL_ENV": "test", "SAMENSPEL_MAX_JSON_DEPTH": "1"}, tmp_path)
    assert refused.returncode != 0
    assert "SAMENSPEL_MAX_JSON_DEPTH must be at least 2" in refused.stderr


# --- SQLite runs durably -----------------------------------------------------------------------

PRAGMAS = """
import django
from django.db import connection

django.setup()
with connection.cursor() as cursor:
    for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"):
        cursor.execute(f"PRAGMA {name}")
        print(name, cursor.fetchone()[0])
    cursor.execute("PRAGMA database_list")
    print("file", cursor.fetchone()[2])
print("transaction_mode", connection.settings_dict["OPTIONS"]["transaction_mode"])
"""


def sqlite_pragmas(tmp_path: Path, **env: str) -> dict[str, str]:
    result = python(
        PRAGMAS,
        {"SAMENSPEL_ENV": "test", "DJANGO_SETTINGS_MODULE": "samenspel.settings", **env},
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


def test_sqlite_runs_with_wal_full_sync_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    # A file database of its own: the in-memory test database cannot use WAL.
    pragmas = sqlite_pragmas(tmp_path)
    assert pragmas["file"] == str(tmp_path / "samenspel.sqlite3")
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == "2"  # FULL
    assert pragmas["foreign_keys"] == "1"
    assert pragmas["busy_timeout"] == "20000"  # SAMENSPEL_SQLITE_BUSY_TIMEOUT's default, 20 s
    assert pragmas["transaction_mode"] == "IMMEDIATE"


def test_sqlite_busy_timeout_follows_its_variable(tmp_path: Path) -> None:
    pragmas = sqlite_pragmas(tmp_path, SAMENSPEL_SQLITE_BUSY_TIMEOUT="7")
    assert pragmas["busy_timeout"] == "7000"


# --- Passwords ---------------------------------------------------------------------------------


def test_production_hashes_passwords_with_argon2(tmp_path: Path) -> None:
    # tests.settings swaps in a fast hasher, so read Samenspel's own settings.
    code = "from samenspel import settings; import argon2; print(settings.PASSWORD_HASHERS[0])"
    result = python(code, PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
