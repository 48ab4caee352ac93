"""Every curl example in docs/api.md runs against a demo and answers the status it shows.

An example is a ```sh block preceded by `<!-- expect: NNN -->`; the blocks run in order in
one bash session (a later block may use a variable an earlier one set), with BASE, KEY (the
case director `regisseur`), POLICE_KEY (`politie`) and CASE (a case the director works on).
The status checked is that of the last HTTP answer the block printed (`curl -i`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo import DemoServer, running_demo

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXAMPLE = re.compile(r"<!-- expect: (\d{3}) -->\n```sh\n(.*?)```", re.DOTALL)
STATUS_LINE = re.compile(r"^HTTP/[\d.]+ (\d{3})", re.MULTILINE)


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with running_demo("samenspel-docs-") as server:
        yield server


def _key(demo: DemoServer, user: str) -> str:
    output = demo.command("apitoken", "create", user, "--name", "docs")
    found = re.search(r"^secret:\s+(\S+)", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def _get(demo: DemoServer, path: str, key: str) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - the demo on loopback
        demo.url(path), headers={"Authorization": f"Bearer {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, None


def test_the_examples_are_there() -> None:
    examples = EXAMPLE.findall(DOC.read_text(encoding="utf-8"))
    assert len(examples) >= 12
    statuses = {int(status) for status, _ in examples}
    assert {200, 201, 401, 404, 405, 412, 422, 428} <= statuses


def test_every_curl_example_answers_the_status_it_shows(demo: DemoServer) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    key, police = _key(demo, "regisseur"), _key(demo, "politie")
    cases = _get(demo, "/api/v1/cases?status=all", key)[1]["results"]
    # A case the director works on and the police officer is not on the team of.
    case = next(
        c["uuid"] for c in cases if _get(demo, f"/api/v1/cases/{c['uuid']}", police)[0] == 404
    )
    script = [f"BASE={demo.base_url}", f"KEY={key}", f"POLICE_KEY={police}", f"CASE={case}"]
    markers = []
    for number, (status, block) in enumerate(EXAMPLE.findall(DOC.read_text(encoding="utf-8"))):
        script.append(block)
        script.append(f"echo; echo '@@example {number} expects {status}'")
        markers.append((number, int(status), block))
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    outputs = re.split(r"^@@example \d+ expects \d{3}$", done.stdout, flags=re.MULTILINE)
    for (number, expected, block), output in zip(markers, outputs, strict=False):
        answered = STATUS_LINE.findall(output)
        assert answered, f"example {number} printed no HTTP answer:\n{block}\n{output[-500:]}"
        assert int(answered[-1]) == expected, f"example {number}:\n{block}\n{output[-800:]}"
