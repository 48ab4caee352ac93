"""Fuzz the JSON API with schemathesis against the demo, as an outside integrator would.

    var/ci/venv/bin/python .ci/fuzz_api.py [--max-examples N] [--seed S]

A throwaway data folder gets the demo data (`samenspel demo --no-serve`) and two API keys: the
case director `regisseur` (works on the Havenstad cases) and the police officer `politie` (a
partner, on no case team). The demo is served on a free port on 127.0.0.1; schemathesis then
runs every operation of the OpenAPI document with each key, with every check and every phase
(examples, coverage, fuzzing, stateful), twice: with seed 1 and with a random seed, printed.
The identifiers of a demo case, its first intervention, a transfer and a signal are given as
parameters (`schemathesis.toml` written into the folder), so the fuzzer reaches real objects
as well as unknown ones. Exit 0 only when every run found nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KEYS = ("regisseur", "politie")
# Answers that are right although a check would not guess them, each documented in docs/api.md:
# - schema-valid input can still break a rule the schema cannot state (a stage transition the
#   framework does not allow, a municipality that takes no signals): 422 with the field named;
#   and a version in If-Match that is well formed but not the current one: 412;
# - an edit without its required If-Match header: 428 Precondition Required (RFC 6585), or
#   404 when the object is not the caller's to know of: need-to-know is decided before the
#   headers are read, so a missing header never reveals that an object exists.
# Every other status stays a failure of these checks.
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422"]

[checks.missing_required_header]
expected-statuses = ["400", "401", "403", "404", "406", "415", "422", "428"]

[parameters]
{parameters}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25, help="per operation and phase")
    parser.add_argument("--seed", type=int, default=None, help="the random seed (default: new)")
    args = parser.parse_args()
    seeds = [1, args.seed if args.seed is not None else random.randrange(2, 2**31)]
    folder = Path(tempfile.mkdtemp(prefix="samenspel-fuzz-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMENSPEL_")}
    env.pop("DATABASE_URL", None)
    env["SAMENSPEL_DATA_DIR"] = str(folder / "data")
    samenspel = str(BIN / "samenspel")
    subprocess.run([samenspel, "demo", "--no-serve"], env=env, check=True, capture_output=True)
    secrets = {user: _create_key(samenspel, env, user) for user in KEYS}
    port = _free_port()
    server = subprocess.Popen(
        [samenspel, "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    failed = 0
    try:
        _wait_ready(base)
        config = folder / "schemathesis.toml"
        config.write_text(CONFIG.format(parameters=_parameters(base, secrets["regisseur"])))
        for user in KEYS:
            for seed in seeds:
                failed += _run(config, base, user, secrets[user], seed, args.max_examples)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"fuzz_api: {4 - failed} of 4 runs clean (seeds {seeds[0]} and {seeds[1]})")
    return 1 if failed else 0


def _create_key(samenspel: str, env: dict[str, str], user: str) -> str:
    done = subprocess.run(
        [samenspel, "apitoken", "create", user, "--name", "fuzz"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(r"^secret:\s+(\S+)", done.stdout, re.MULTILINE)
    if found is None:
        raise SystemExit(f"no secret in the output of apitoken create: {done.stdout}")
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the demo server did not become ready within 60 s")


def _get(base: str, secret: str, path: str) -> object:
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {secret}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.load(answer)


def _parameters(base: str, secret: str) -> str:
    """Name a real case, intervention, transfer and signal of the demo, as the director sees."""
    cases = _get(base, secret, "/cases?status=all")
    assert isinstance(cases, dict)
    case = str(cases["results"][0]["uuid"])
    plan = _get(base, secret, f"/cases/{case}/plan")
    assert isinstance(plan, dict)
    found = {"case_uuid": case}
    interventions = plan.get("interventions") or []
    if interventions:
        found["intervention_uuid"] = str(interventions[0]["uuid"])
    signals = _get(base, secret, "/triage/signals")
    if isinstance(signals, list) and signals:
        found["signal_uuid"] = str(signals[0]["uuid"])
    incoming = _get(base, secret, "/transfers/incoming")
    if isinstance(incoming, list) and incoming:
        found["transfer_uuid"] = str(incoming[0]["uuid"])
    return "\n".join(f'"{name}" = "{value}"' for name, value in found.items())


def _run(config: Path, base: str, user: str, secret: str, seed: int, examples: int) -> int:
    print(f"\n==> schemathesis as {user}, seed {seed}, {examples} examples per operation")
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {secret}",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--no-color",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    summary = output[output.find("SUMMARY") :] if "SUMMARY" in output else output[-4000:]
    if done.returncode != 0:
        print(output[-20000:])
    else:
        print(summary)
    return 0 if done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
