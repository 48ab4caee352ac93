"""The `samenspel` command and `python -m samenspel`, run as a newcomer would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SAMENSPEL = str(Path(sys.executable).with_name("samenspel"))


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMENSPEL_", "DATABASE_URL"))}
    env["SAMENSPEL_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "samenspel.settings"
    env.update(extra)
    return env


def test_python_dash_m_runs_management_commands(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "samenspel", "check"],
        env=_env(tmp_path, SAMENSPEL_ENV="test"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_demo_loads_twice_without_changes_and_prints_logins(tmp_path: Path) -> None:
    runs = [
        subprocess.run(
            [SAMENSPEL, "demo", "--no-serve"],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "samenspel-demo-2026" in run.stdout
        for username in ("regisseur", "burgemeester", "beheerder", "fg", "landelijk", "politie"):
            assert f"  {username} " in run.stdout
    assert runs[0].stdout.splitlines()[1:] == runs[1].stdout.splitlines()[1:]
    assert (tmp_path / "samenspel.sqlite3").exists()
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    code = subprocess.run(
        [SAMENSPEL, "democode", "regisseur"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert code.returncode == 0, code.stderr
    assert code.stdout.strip().isdigit()
    assert len(code.stdout.strip()) == 6


def test_demo_refuses_production(tmp_path: Path) -> None:
    result = subprocess.run(
        [SAMENSPEL, "demo", "--no-serve"],
        env=_env(
            tmp_path,
            SAMENSPEL_ENV="production",
            SAMENSPEL_SECRET_KEY="x" * 64,
            SAMENSPEL_ALLOWED_HOSTS="example.nl",
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "refuses to run with SAMENSPEL_ENV=production" in result.stderr
