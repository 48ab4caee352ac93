"""The framework files that ship inside the package."""

from __future__ import annotations

from importlib import resources

from samenspel.frameworks.schema import validate_text
from samenspel.frameworks.types import Framework

SHIPPED = "nl-pga.yaml"


def shipped_text(name: str = SHIPPED) -> str:
    """Return the text of a framework file shipped in samenspel/frameworks/data."""
    return resources.files("samenspel.frameworks").joinpath("data", name).read_text("utf-8")


def shipped_framework(name: str = SHIPPED) -> Framework:
    """Return a shipped framework file as a typed framework; it must validate."""
    result = validate_text(shipped_text(name), file=name)
    if result.data is None:
        problems = "; ".join(str(p) for p in result.problems[:3])
        raise ValueError(f"the shipped framework {name} does not validate: {problems}")
    return Framework.from_document(result.data)
